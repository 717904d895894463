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
public struct Contact: Sendable, Hashable {
    /// The row's identifier: positive, assigned by the store, increasing in creation order.
    public var id: Int
    /// The row's email, normalized by the resolver's ``NormalizationPolicy``, or `nil`.
    public var email: String?
    /// The row's phone number, normalized by the resolver's ``NormalizationPolicy``, or `nil`.
    public var phoneNumber: String?
    /// When the row was created. Together with ``id`` it orders rows from oldest to newest.
    public var createdAt: Date
    /// When the row was last changed (creation, or being relinked by a merge).
    public var updatedAt: Date

    // `linkedId` and `deletedAt` are stored as a value and a flag, after every 8-byte field:
    // as optionals, each would take a tag byte padded to 8, and a row would take 81 bytes
    // instead of 75 (80 with the member list's 4-byte link in `ContactTable`, the same as
    // before rows could be deleted). A value whose flag is clear is always zero, so the
    // synthesized `==` and `hash(into:)` see exactly the public properties.
    private var storedLinkedID: Int
    private var storedDeletedAt: Date
    /// Whether this row is the group's primary or a secondary.
    public var linkPrecedence: LinkPrecedence
    private var hasLinkedID: Bool
    private var isDeleted: Bool

    /// The id of the group's primary row when this row is ``LinkPrecedence/secondary``; otherwise `nil`.
    public var linkedId: Int? {
        get { hasLinkedID ? storedLinkedID : nil }
        set {
            storedLinkedID = newValue ?? 0
            hasLinkedID = newValue != nil
        }
    }

    /// When the row was soft-deleted. A deleted row never matches a request and never appears in a result.
    public var deletedAt: Date? {
        get { isDeleted ? storedDeletedAt : nil }
        set {
            storedDeletedAt = newValue ?? Date(timeIntervalSinceReferenceDate: 0)
            isDeleted = newValue != nil
        }
    }

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
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.storedLinkedID = linkedId ?? 0
        self.storedDeletedAt = deletedAt ?? Date(timeIntervalSinceReferenceDate: 0)
        self.linkPrecedence = linkPrecedence
        self.hasLinkedID = linkedId != nil
        self.isDeleted = deletedAt != nil
    }

    /// Whether the row takes part in matching: it has not been soft-deleted.
    public var isLive: Bool { !isDeleted }

    /// The id of the row's group: its own id for a primary, ``linkedId`` for a secondary.
    public var primaryID: Int { linkedId ?? id }

    /// Whether this row is older than `other` by (``createdAt``, ``id``), the order that chooses primaries.
    public func isOlder(than other: Contact) -> Bool {
        (createdAt, id) < (other.createdAt, other.id)
    }

    /// Whether a row or a link may hold `date`: from `0001-01-01T00:00:00.000Z` through
    /// `9999-12-31T23:59:59.999Z`, the four-digit years that the wire format writes and reads
    /// back and every store can keep.
    ///
    /// A date outside (one that is not a number or infinite included) would not order rows
    /// (`NaN` is neither older nor newer than anything) or would not read back: the plan check
    /// refuses a write that carries one, so a broken ``ContactClock`` fails its call with
    /// ``ContactStoreError/invalidPlan(_:reason:)`` instead of storing it, and
    /// ``ContactInvariants`` reports one as ``ContactInvariantViolation/Kind/dateOutOfRange``.
    public static func isValidDate(_ date: Date) -> Bool {
        // Compared as numbers: `NaN` fails both comparisons (a `ClosedRange<Date>` would take it).
        let seconds = date.timeIntervalSince1970
        return seconds >= firstValidSecond && seconds <= lastValidSecond
    }

    /// The first instant ``isValidDate(_:)`` accepts, `0001-01-01T00:00:00.000Z`, in seconds from 1970.
    static var firstValidSecond: Double { -62_135_596_800 }
    /// The last instant ``isValidDate(_:)`` accepts, `9999-12-31T23:59:59.999Z`, in seconds from 1970.
    static var lastValidSecond: Double { 253_402_300_799.999 }
}

extension Contact: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, email, phoneNumber, linkedId, linkPrecedence, createdAt, updatedAt, deletedAt
    }

    /// Decodes a row from the task's column names; `email`, `phoneNumber`, `linkedId` and
    /// `deletedAt` may be absent or null.
    ///
    /// - Throws: The decoder's `DecodingError` when a required column is missing or has the wrong type.
    public init(from decoder: any Decoder) throws {
        let columns = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try columns.decode(Int.self, forKey: .id),
            email: try columns.decodeIfPresent(String.self, forKey: .email),
            phoneNumber: try columns.decodeIfPresent(String.self, forKey: .phoneNumber),
            linkedId: try columns.decodeIfPresent(Int.self, forKey: .linkedId),
            linkPrecedence: try columns.decode(LinkPrecedence.self, forKey: .linkPrecedence),
            createdAt: try columns.decode(Date.self, forKey: .createdAt),
            updatedAt: try columns.decode(Date.self, forKey: .updatedAt),
            deletedAt: try columns.decodeIfPresent(Date.self, forKey: .deletedAt))
    }

    /// Encodes the row under the task's column names, leaving out the `nil` ones.
    ///
    /// - Throws: What the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var columns = encoder.container(keyedBy: CodingKeys.self)
        try columns.encode(id, forKey: .id)
        try columns.encodeIfPresent(email, forKey: .email)
        try columns.encodeIfPresent(phoneNumber, forKey: .phoneNumber)
        try columns.encodeIfPresent(linkedId, forKey: .linkedId)
        try columns.encode(linkPrecedence, forKey: .linkPrecedence)
        try columns.encode(createdAt, forKey: .createdAt)
        try columns.encode(updatedAt, forKey: .updatedAt)
        try columns.encodeIfPresent(deletedAt, forKey: .deletedAt)
    }
}

extension Contact: CustomReflectable {
    /// The row's columns, so that `print`, `dump` and test failures show the public
    /// properties rather than their storage.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "id": id, "email": email as Any, "phoneNumber": phoneNumber as Any, "linkedId": linkedId as Any,
                "linkPrecedence": linkPrecedence, "createdAt": createdAt, "updatedAt": updatedAt,
                "deletedAt": deletedAt as Any,
            ],
            displayStyle: .struct)
    }
}
