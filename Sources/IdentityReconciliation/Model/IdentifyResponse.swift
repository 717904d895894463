/// The body of the task's `POST /identify` response: `{"contact": {...}}`.
///
/// Its `Codable` form has the task's key names, byte for byte. ``wireFormatJSON`` is the
/// whole body with the keys also in the task's order:
/// `{"contact":{"primaryContatctId":1,"emails":[...],"phoneNumbers":[...],"secondaryContactIds":[...]}}`;
/// `JSONEncoder` orders an object's keys differently from one process to the next unless
/// its output formatting includes `.sortedKeys`.
public struct IdentifyResponse: Sendable, Hashable, Codable {
    /// The consolidated contact.
    public var contact: ConsolidatedContact

    /// Wraps a consolidated contact.
    public init(contact: ConsolidatedContact) {
        self.contact = contact
    }
}
