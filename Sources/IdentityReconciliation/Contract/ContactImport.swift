/// Rows (and links) to load into an empty store, checked against ``ContactInvariants``.
///
/// ``ContactStore/importContacts(_:)`` takes only this type, so a store never sees rows
/// that break the invariants and need not check them again.
public struct ContactImport: Sendable, Hashable {
    /// The rows, in ascending id order.
    public let contacts: [Contact]
    /// The links, each once, in ascending order.
    public let links: [ContactLink]

    /// Checks rows and links for an import.
    ///
    /// - Parameters:
    ///   - contacts: The rows, in any order; they are sorted by id.
    ///   - links: Link evidence; each must join an email and a phone number held by live
    ///     rows of one group, and every group must be one person by its values and links.
    /// - Throws: ``ContactStoreError/invalidContacts(_:)`` naming every broken invariant
    ///   (``ContactInvariants/violations(in:links:)``); ``ContactStoreError/invalidLink(_:reason:)``
    ///   for a link listed twice.
    public init(contacts: [Contact], links: [ContactLink] = []) throws(ContactStoreError) {
        var seen = Set<ContactLink>()
        for link in links where !seen.insert(link).inserted {
            throw .invalidLink(link, reason: "it is listed twice")
        }
        let violations = ContactInvariants.violations(in: contacts, links: links)
        guard violations.isEmpty else { throw .invalidContacts(violations) }
        let sorted = zip(contacts, contacts.dropFirst()).allSatisfy { $0.id < $1.id }
        self.contacts = sorted ? contacts : contacts.sorted { $0.id < $1.id }
        self.links = links.sorted()
    }
}
