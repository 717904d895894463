#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One primitive write of a ``ContactPlan``.
///
/// Every operation of the library is a plan made of these, so a ``ContactStore`` persists
/// a small fixed set of writes and never decides anything. Each write refers only to rows
/// and links the transaction read (``ContactPlan/checked(against:)`` enforces it).
public enum ContactWrite: Sendable, Hashable {
    /// Inserts a row with a new id chosen by the store: a primary when `linkedId` is `nil`,
    /// otherwise a secondary of that live primary; `updatedAt` = `createdAt`, `deletedAt` `nil`.
    case insert(email: String?, phoneNumber: String?, linkedId: Int?, createdAt: Date)
    /// Makes every live row of the group whose primary is `primaryID` (the primary
    /// included) a secondary of `survivorID`, with `updatedAt` set: a merge. One write,
    /// whatever the size of the group.
    case relinkGroup(primaryID: Int, survivorID: Int, updatedAt: Date)
    /// Points one live row at a new primary (`linkedId`, secondary), or makes it a
    /// primary (`linkedId` `nil`), with `updatedAt` set.
    case setLink(contactID: Int, linkedId: Int?, updatedAt: Date)
    /// Soft-deletes a live row: `deletedAt` = `updatedAt` = the date. Its other fields stay.
    case delete(contactID: Int, at: Date)
    /// Removes the email and/or the phone number of a row, live or deleted, with `updatedAt` set.
    case clearValues(contactID: Int, email: Bool, phoneNumber: Bool, updatedAt: Date)
    /// Records a piece of link evidence.
    case addLink(ContactLink)
    /// Removes a piece of link evidence.
    case removeLink(ContactLink)
}

extension ContactWrite: CustomStringConvertible {
    /// The write as it reads in a log: `insert(email: "a@x.io", phoneNumber: nil, linkedId: 3,
    /// createdAt: 2023-04-01T00:00:00.000Z)`, dates in the wire format (as seconds from 1970
    /// when outside ``Contact/isValidDate(_:)``).
    ///
    /// Written out rather than reflected: Foundation's `Date.description` traps on a date
    /// that is not a number, and a refused plan may carry one (from a broken ``ContactClock``).
    public var description: String {
        func text(_ value: String?) -> String { value?.debugDescription ?? "nil" }
        func text(_ value: Int?) -> String { value.map(String.init) ?? "nil" }
        func text(_ date: Date) -> String { Self.text(date) }
        return switch self {
        case .insert(let email, let phoneNumber, let linkedId, let createdAt):
            "insert(email: \(text(email)), phoneNumber: \(text(phoneNumber)), linkedId: \(text(linkedId)), "
                + "createdAt: \(text(createdAt)))"
        case .relinkGroup(let primaryID, let survivorID, let updatedAt):
            "relinkGroup(primaryID: \(primaryID), survivorID: \(survivorID), updatedAt: \(text(updatedAt)))"
        case .setLink(let contactID, let linkedId, let updatedAt):
            "setLink(contactID: \(contactID), linkedId: \(text(linkedId)), updatedAt: \(text(updatedAt)))"
        case .delete(let contactID, let at): "delete(contactID: \(contactID), at: \(text(at)))"
        case .clearValues(let contactID, let email, let phoneNumber, let updatedAt):
            "clearValues(contactID: \(contactID), email: \(email), phoneNumber: \(phoneNumber), "
                + "updatedAt: \(text(updatedAt)))"
        case .addLink(let link): "addLink(\(link.planDescription))"
        case .removeLink(let link): "removeLink(\(link.planDescription))"
        }
    }
}

extension ContactWrite {
    /// A date in the wire format, or as seconds from 1970 when no row may hold it.
    static func text(_ date: Date) -> String {
        Contact.isValidDate(date) ? WireCodec.timestamp(date) : "\(date.timeIntervalSince1970) seconds from 1970"
    }
}

extension ContactLink {
    /// `"a@x.io" – "+1 555 0100" (2023-04-01T00:00:00.000Z)`: a link in the messages of plans,
    /// without Foundation's `Date.description` (see ``ContactWrite/description``).
    var planDescription: String {
        "\(email.debugDescription) – \(phoneNumber.debugDescription) (\(ContactWrite.text(createdAt)))"
    }
}
