extension IdentityResolver {
    /// Loads an existing contact table into the resolver's empty store, keeping ids,
    /// timestamps, precedence and soft-deletes, exactly as given. All or nothing.
    ///
    /// The rows must already satisfy ``ContactInvariants``; to load an export from another
    /// implementation, which usually does not, use ``importContacts(repairing:lines:)``.
    /// Later identifies continue ids after the largest imported id.
    ///
    /// - Parameter contacts: The rows, in any order.
    /// - Throws: ``ContactStoreError/invalidContacts(_:)`` when the rows break
    ///   ``ContactInvariants``; ``ContactStoreError/notEmpty`` when the store holds rows;
    ///   the store's error. Nothing is imported when it throws.
    public func importContacts(_ contacts: [Contact]) async throws {
        try await store.importContacts(ContactImport(contacts: contacts))
    }

    /// Repairs an exported contact table with ``ContactTableRepair`` (flattening chains,
    /// re-rooting groups on their oldest row, merging duplicate primaries that share a
    /// value) and loads it into the resolver's empty store, keeping ids, values,
    /// timestamps and soft-deletes. All or nothing.
    ///
    /// Later identifies continue ids after the largest imported id.
    ///
    /// - Parameters:
    ///   - contacts: The exported rows, in any order.
    ///   - lines: The input line of each row, used in ``ContactImportError``; by default a
    ///     row's position plus one.
    /// - Returns: What the repair changed.
    /// - Throws: ``ContactImportError`` when rows cannot be repaired (bad or duplicate
    ///   ids, links to missing ids, link cycles); ``ContactStoreError/notEmpty`` when the
    ///   store holds rows; the store's error. Nothing is imported when it throws.
    @discardableResult
    public func importContacts(
        repairing contacts: [Contact], lines: [Int]? = nil
    ) async throws
        -> ContactImportReport
    {
        let repair = try ContactTableRepair(repairing: contacts, lines: lines)
        try await importContacts(repair.contacts)
        return repair.report
    }
}
