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
