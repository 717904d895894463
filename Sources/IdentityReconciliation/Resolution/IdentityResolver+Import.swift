extension IdentityResolver {
    /// Loads an existing contact table into the resolver's empty store, keeping ids,
    /// values, timestamps, precedence and soft-deletes, after repairing what exports of
    /// other implementations contain (see ``ContactTableRepair``). All or nothing.
    ///
    /// Later identifies continue ids after the largest imported id.
    ///
    /// - Parameters:
    ///   - contacts: The rows, in any order.
    ///   - lines: The input line of each row, used in ``ContactImportError``; by default a
    ///     row's position plus one.
    /// - Returns: What the repair changed.
    /// - Throws: ``ContactImportError`` when rows cannot be repaired;
    ///   ``ContactStoreError/notEmpty`` when the store holds rows; the store's error.
    ///   Nothing is imported when it throws.
    @discardableResult
    public func importContacts(_ contacts: [Contact], lines: [Int]? = nil) async throws -> ContactImportReport {
        let repair = try ContactTableRepair(repairing: contacts, lines: lines)
        // The repair guarantees the invariants; checking again costs one pass and keeps a
        // bug in it from ever reaching a store.
        let violations = ContactInvariants.violations(in: repair.contacts)
        guard violations.isEmpty else { throw ContactStoreError.invalidContacts(violations) }
        try await store.importContacts(repair.contacts)
        return repair.report
    }
}
