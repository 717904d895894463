extension IdentityResolver {
    /// The shortest chain of evidence that makes two live rows one person. Writes nothing.
    ///
    /// Each ``EvidenceStep`` goes from one live row to another via a shared email, a shared
    /// phone number, or a ``ContactLink`` recorded by the merge that joined them; the first
    /// step starts at `id`, each next one where the previous ended, the last ends at `otherID`.
    ///
    /// One read of the store (the group of `id` with its links) and a breadth-first search
    /// over it: O(size of the group). Among equally short chains the choice is deterministic
    /// and independent of the store: rows are explored in the order they are reached; from
    /// each row, first the rows sharing its email, then its phone number, then across the
    /// links from its email, then the links to its phone number (links in the order of
    /// ``ContactLink/<(_:_:)``, rows by ascending id); each row keeps the first step that
    /// reached it.
    ///
    /// - Parameters:
    ///   - id: The live row the chain starts at.
    ///   - otherID: The live row the chain ends at.
    /// - Returns: The steps; empty when `id` and `otherID` are the same live row.
    /// - Throws: ``ExplainError/contactNotFound(_:)`` when no live row has `id` or `otherID`
    ///   (the first of the two that is missing); ``ExplainError/differentPeople(_:_:)`` when
    ///   both are live but in different groups; ``ContactStoreError/contractViolation(_:)``
    ///   when the store's group holds both but no evidence joins them, or is not one group
    ///   holding `id` (a row twice, a deleted row, rows of two groups, a group without its
    ///   primary), as for ``contact(id:)``; the store's error.
    public func explain(contactID id: Int, to otherID: Int) async throws -> [EvidenceStep] {
        let selection = ContactSelection(contactID: id, includesLinks: true)
        let group = try await store.read(selection)
        // Checked: every row read is live.
        try group.checkLookup(of: selection)
        guard group.rows.contains(where: { $0.id == id }) else { throw ExplainError.contactNotFound(id) }
        guard group.rows.contains(where: { $0.id == otherID }) else {
            // Only on this error path: a second read tells a missing row from another person.
            let other = try await store.read(.group(containingContactID: otherID))
            guard other.rows.contains(where: { $0.id == otherID && $0.isLive }) else {
                throw ExplainError.contactNotFound(otherID)
            }
            throw ExplainError.differentPeople(id, otherID)
        }
        guard let steps = ContactEvidence.shortestPath(from: id, to: otherID, rows: group.rows, links: group.links)
        else {
            throw ContactStoreError.contractViolation(
                "contacts \(id) and \(otherID) were read as one group, but no email, phone number or link joins them")
        }
        return steps
    }
}
