/// The body of the task's `POST /identify` response: `{"contact": {...}}`.
///
/// Encoding it with `JSONEncoder` (output formatting `.withoutEscapingSlashes`) gives
/// the task's wire format byte for byte:
/// `{"contact":{"primaryContatctId":1,"emails":[...],"phoneNumbers":[...],"secondaryContactIds":[...]}}`.
public struct IdentifyResponse: Sendable, Hashable, Codable {
    /// The consolidated contact.
    public var contact: ConsolidatedContact

    /// Wraps a consolidated contact.
    public init(contact: ConsolidatedContact) {
        self.contact = contact
    }
}
