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
        let pageSize = 10_000
        var census = GraphCensus()
        var afterID = 0
        while true {
            let page = try await store.contacts(afterID: afterID, limit: pageSize)
            var previous = afterID
            for row in page {
                guard row.id > previous else {
                    throw ContactStoreError.contractViolation(
                        "contacts(afterID: \(afterID), limit: \(pageSize)) returned contact \(row.id), out of order or again"
                    )
                }
                previous = row.id
                census.add(row)
            }
            guard let last = page.last else { break }
            afterID = last.id
        }
        var after: ContactLink?
        while true {
            let page = try await store.links(after: after, limit: pageSize)
            var previous = after
            for link in page {
                if let previous, link <= previous {
                    throw ContactStoreError.contractViolation(
                        "links(after:limit:) returned the link \(link.email.debugDescription) – "
                            + "\(link.phoneNumber.debugDescription) out of order or again")
                }
                previous = link
                census.add(link)
            }
            guard let last = page.last else { break }
            after = last
        }
        return census.report(top: top, flagGroupsOver: threshold)
    }
}
