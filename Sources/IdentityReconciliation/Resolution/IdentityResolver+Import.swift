extension IdentityResolver {
    /// Loads an existing contact table into the resolver's empty store, keeping ids,
    /// timestamps, precedence and soft-deletes, exactly as given. All or nothing.
    ///
    /// The rows and links must already satisfy ``ContactInvariants/violations(in:links:)``
    /// (an export of this library does); to load an export from another implementation, which
    /// usually does not, use ``importContacts(repairing:links:lines:)``.
    /// Later identifies continue ids after the largest imported id.
    ///
    /// - Parameters:
    ///   - contacts: The rows, in any order.
    ///   - links: The links, in any order.
    /// - Throws: ``ContactStoreError/invalidContacts(_:)`` when the rows break
    ///   ``ContactInvariants``; ``ContactStoreError/notEmpty`` when the store holds rows;
    ///   the store's error. Nothing is imported when it throws.
    public func importContacts(_ contacts: [Contact], links: [ContactLink] = []) async throws {
        try await store.importContacts(ContactImport(contacts: contacts, links: links))
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
    ///   - links: The exported links, if the export has them.
    ///   - lines: The input line of each row, used in ``ContactImportError``; by default a
    ///     row's position plus one.
    /// - Returns: What the repair changed.
    /// - Throws: ``ContactImportError`` when rows cannot be repaired (bad or duplicate
    ///   ids, links to missing ids, link cycles); ``ContactStoreError/notEmpty`` when the
    ///   store holds rows; the store's error. Nothing is imported when it throws.
    @discardableResult
    public func importContacts(
        repairing contacts: [Contact], links: [ContactLink] = [], lines: [Int]? = nil
    ) async throws
        -> ContactImportReport
    {
        let repair = try ContactTableRepair(repairing: contacts, links: links, lines: lines)
        try await importContacts(repair.contacts, links: repair.links)
        return repair.report
    }
}
