public import IdentityReconciliation

/// Checks ``IdentityReconciliation/ContactInvariants`` and reports violations as a thrown value, for any test framework.
///
/// ```swift
/// try await InvariantChecker.check(store: store)   // throws InvariantFailure
/// ```
public enum InvariantChecker {
    /// Checks rows.
    ///
    /// - Throws: ``InvariantFailure`` listing every violation.
    public static func check(_ rows: [Contact]) throws(InvariantFailure) {
        let violations = ContactInvariants.violations(in: rows)
        guard violations.isEmpty else { throw InvariantFailure(violations: violations) }
    }

    /// Checks rows and links, the evidence included: each group is exactly one connected
    /// component of its live rows' values and links, and no link is left dangling.
    ///
    /// - Throws: ``InvariantFailure`` listing every violation.
    public static func check(_ rows: [Contact], links: [ContactLink]) throws(InvariantFailure) {
        let violations = ContactInvariants.violations(in: rows, links: links)
        guard violations.isEmpty else { throw InvariantFailure(violations: violations) }
    }

    /// Reads every row and every link of a store and checks them, the evidence included.
    ///
    /// - Returns: The rows that were checked, in id order.
    /// - Throws: ``InvariantFailure``; the store's error;
    ///   ``IdentityReconciliation/ContactStoreError/contractViolation(_:)`` when the store's
    ///   paging repeats rows or goes backwards.
    @discardableResult
    public static func check(store: some ContactStore) async throws -> [Contact] {
        let rows = try await allRows(of: store)
        try check(rows, links: try await allLinks(of: store))
        return rows
    }

    /// The partition of the live rows' values into groups: one set per group, holding
    /// `e:<email>` and `p:<phone number>` for every value of its rows.
    ///
    /// It ignores ids, timestamps and how many rows hold a value, so two stores that saw the
    /// same requests in different orders (a concurrent run and a sequential replay) must
    /// give equal partitions: use it to compare who was linked to whom.
    public static func valueGroups(_ rows: [Contact]) -> Set<Set<String>> {
        var groups: [Int: Set<String>] = [:]
        for row in rows where row.isLive {
            if let email = row.email { groups[row.primaryID, default: []].insert("e:" + email) }
            if let phone = row.phoneNumber { groups[row.primaryID, default: []].insert("p:" + phone) }
        }
        return Set(groups.values)
    }

    static func allRows(of store: some ContactStore) async throws -> [Contact] {
        try await IdentityResolver(store: store).allContacts()
    }

    /// Every link of a store, in ascending order, page by page.
    ///
    /// - Throws: The store's error; ``IdentityReconciliation/ContactStoreError/contractViolation(_:)``
    ///   when a page repeats a link or goes backwards.
    public static func allLinks(of store: some ContactStore) async throws -> [ContactLink] {
        try await IdentityResolver(store: store).allLinks()
    }
}
