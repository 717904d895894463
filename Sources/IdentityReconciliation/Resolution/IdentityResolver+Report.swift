extension IdentityResolver {
    /// A census of the store: rows, links, people, the size of the people, and the groups and
    /// values that look like a junk value's "super cluster". Writes nothing.
    ///
    /// One scan of the store, page by page (``ContactStore/contacts(afterID:limit:)``, then
    /// ``ContactStore/links(after:limit:)``), keeping a counter per group and per distinct
    /// value, never the rows; the top lists are partial selections. With concurrent writers
    /// each page is consistent, the whole report is not one snapshot.
    ///
    /// - Parameters:
    ///   - top: How many of the largest groups and of the values that join the most to list
    ///     (see ``GraphReport/largestGroups`` and ``GraphReport/topValues``); a value below 1
    ///     lists none.
    ///   - threshold: Every group with more live rows than this, and every value whose
    ///     ``GraphReport/ValueSummary/weight`` is greater, is flagged.
    /// - Throws: The store's error; ``ContactStoreError/contractViolation(_:)`` when a page
    ///   repeats a row or a link or goes backwards.
    public func report(top: Int = 10, flagGroupsOver threshold: Int = 50) async throws -> GraphReport {
        var census = GraphCensus()
        try await forEachContact { census.add($0) }
        try await forEachLink { census.add($0) }
        return census.report(top: top, flagGroupsOver: threshold)
    }
}
