#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One row of the contact table, with the task's column names.
///
/// Rows are created and changed only by a ``ContactStore`` persisting a
/// ``CheckedContactPlan``, so a row read from a store always satisfies the rules in
/// ``ContactInvariants``.
///
/// Its `Codable` form uses the task's column names (`id`, `phoneNumber`, `email`,
/// `linkedId`, `linkPrecedence`, `createdAt`, `updatedAt`, `deletedAt`).
public struct Contact: Sendable, Hashable, Codable {
    /// The row's identifier: positive, assigned by the store, increasing in creation order.
    public var id: Int
    /// The row's email, normalized by the resolver's ``NormalizationPolicy``, or `nil`.
    public var email: String?
    /// The row's phone number, normalized by the resolver's ``NormalizationPolicy``, or `nil`.
    public var phoneNumber: String?
    /// The id of the group's primary row when this row is ``LinkPrecedence/secondary``; otherwise `nil`.
    public var linkedId: Int?
    /// Whether this row is the group's primary or a secondary.
    public var linkPrecedence: LinkPrecedence
    /// When the row was created. Together with ``id`` it orders rows from oldest to newest.
    public var createdAt: Date
    /// When the row was last changed (creation, or being relinked by a merge).
    public var updatedAt: Date
    /// When the row was soft-deleted. A deleted row never matches a request and never appears in a result.
    public var deletedAt: Date?

    /// Creates a row from its column values.
    public init(
        id: Int,
        email: String?,
        phoneNumber: String?,
        linkedId: Int?,
        linkPrecedence: LinkPrecedence,
        createdAt: Date,
        updatedAt: Date,
        deletedAt: Date? = nil
    ) {
        self.id = id
        self.email = email
        self.phoneNumber = phoneNumber
        self.linkedId = linkedId
        self.linkPrecedence = linkPrecedence
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }

    /// Whether the row takes part in matching: it has not been soft-deleted.
    public var isLive: Bool { deletedAt == nil }

    /// The id of the row's group: its own id for a primary, ``linkedId`` for a secondary.
    public var primaryID: Int { linkedId ?? id }

    /// Whether this row is older than `other` by (``createdAt``, ``id``), the order that chooses primaries.
    public func isOlder(than other: Contact) -> Bool {
        (createdAt, id) < (other.createdAt, other.id)
    }
}
