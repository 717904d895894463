#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A piece of link evidence: an email and a phone number that one request brought together.
///
/// When a request's email belongs to one person and its phone number to another, the two
/// are merged and no row is inserted, so no row remembers why they are one person. A link
/// records it. Links are written and removed by plans (``ContactWrite/addLink(_:)``,
/// ``ContactWrite/removeLink(_:)``), stored by every ``ContactStore`` and read with the
/// groups whose values they join (``ContactSelection/includesLinks``).
public struct ContactLink: Sendable, Hashable, Codable {
    /// The normalized email of the request.
    public var email: String
    /// The normalized phone number of the request.
    public var phoneNumber: String
    /// When the request was made.
    public var createdAt: Date

    /// Creates a link.
    public init(email: String, phoneNumber: String, createdAt: Date) {
        self.email = email
        self.phoneNumber = phoneNumber
        self.createdAt = createdAt
    }
}

extension ContactLink: Comparable {
    /// The order links are listed and paged in: by ``createdAt``, then by the UTF-8 bytes of
    /// ``email``, then of ``phoneNumber`` (byte order, so every store, SQL `COLLATE "C"`
    /// included, lists links alike).
    public static func < (lhs: ContactLink, rhs: ContactLink) -> Bool {
        if lhs.createdAt != rhs.createdAt { return lhs.createdAt < rhs.createdAt }
        if lhs.email != rhs.email { return lhs.email.utf8.lexicographicallyPrecedes(rhs.email.utf8) }
        return lhs.phoneNumber.utf8.lexicographicallyPrecedes(rhs.phoneNumber.utf8)
    }
}
