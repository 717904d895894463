extension ContactStore {
    /// Runs one transaction of this store around a decision: reads the selection, decides a
    /// plan, checks it (``ContactPlan/checked(against:)``), persists it, and returns what it did.
    ///
    /// Every correction of ``IdentityResolver`` is one call of this, and every identify one
    /// transaction of the same steps. It is public so that tools can run plans of their own;
    /// a plan that would break the invariants is refused before the store writes anything.
    ///
    /// - Parameters:
    ///   - selection: What the decision needs to read.
    ///   - decide: The pure decision; a store may call it more than once (each time with
    ///     fresh rows) when it retries a transaction. What it throws is thrown, with nothing written.
    /// - Returns: The commit: the plan, what it read, the ids inserted, the rows after.
    /// - Throws: ``ContactStoreError/invalidPlan(_:reason:)`` when the plan breaks the rules
    ///   (nothing is written); ``ContactStoreError/contractViolation(_:)`` when the store
    ///   reports a different number of inserted ids than the plan inserts; the store's error.
    public func commit(
        reading selection: ContactSelection,
        decide: @Sendable (SelectedContacts) throws -> ContactPlan
    ) async throws -> ContactCommit {
        try ContactCommit(
            receipt: try await transaction(reading: selection) { selected in
                try decide(selected).checked(against: selected)
            })
    }

    /// The live rows of every group with a live row holding `email` or `phoneNumber`.
    ///
    /// - Throws: The store's error.
    public func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] {
        guard email != nil || phoneNumber != nil else { return [] }
        return try await read(.matching(email: email, phoneNumber: phoneNumber)).rows
    }

    /// The live rows of the group containing the live row `id`; empty when no live row has it.
    ///
    /// - Throws: The store's error.
    public func group(containingContactID id: Int) async throws -> [Contact] {
        try await read(.group(containingContactID: id)).rows
    }
}
