/// Rows (and links) to load into an empty store, checked against ``ContactInvariants``.
///
/// ``ContactStore/importContacts(_:)`` takes only this type, so a store never sees rows
/// that break the invariants and need not check them again.
public struct ContactImport: Sendable, Hashable {
    /// The rows, in ascending id order.
    public let contacts: [Contact]
    /// The links, each once.
    public let links: [ContactLink]

    /// Checks rows and links for an import.
    ///
    /// - Parameters:
    ///   - contacts: The rows, in any order; they are sorted by id.
    ///   - links: Link evidence; each must join an email and a phone number held by live
    ///     rows of one group.
    /// - Throws: ``ContactStoreError/invalidContacts(_:)`` naming every broken invariant;
    ///   ``ContactStoreError/invalidLink(_:reason:)`` for the first link that joins no group.
    public init(contacts: [Contact], links: [ContactLink] = []) throws(ContactStoreError) {
        let violations = ContactInvariants.violations(in: contacts)
        guard violations.isEmpty else { throw .invalidContacts(violations) }
        if !links.isEmpty {
            var emailGroup: [String: Int] = [:]
            var phoneGroup: [String: Int] = [:]
            for row in contacts where row.isLive {
                if let email = row.email { emailGroup[email] = row.primaryID }
                if let phone = row.phoneNumber { phoneGroup[phone] = row.primaryID }
            }
            var seen = Set<ContactLink>()
            for link in links {
                guard seen.insert(link).inserted else { throw .invalidLink(link, reason: "it is listed twice") }
                guard let group = emailGroup[link.email], group == phoneGroup[link.phoneNumber] else {
                    throw .invalidLink(link, reason: "no group holds both its email and its phone number")
                }
            }
        }
        let sorted = zip(contacts, contacts.dropFirst()).allSatisfy { $0.id < $1.id }
        self.contacts = sorted ? contacts : contacts.sorted { $0.id < $1.id }
        self.links = links
    }
}
