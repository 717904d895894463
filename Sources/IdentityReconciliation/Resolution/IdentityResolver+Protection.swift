extension IdentityResolver {
    /// ``identify(email:phoneNumber:)`` under a ``GraphProtection``: blocked values are left
    /// out before anything is read, and the limits are applied inside the one transaction.
    @inline(__always)  // one async frame less per protected identify
    func identify(
        email rawEmail: String?, phoneNumber rawPhoneNumber: String?, protection: ResolverProtection
    ) async throws -> Identification {
        var ignored: [IgnoredValue] = []
        let email = try protection.email.value(rawEmail, policy: policy, ignored: &ignored)
        let phoneNumber = try protection.phoneNumber.value(rawPhoneNumber, policy: policy, ignored: &ignored)
        guard email != nil || phoneNumber != nil else {
            if ignored.isEmpty { throw InputError.missingEmailAndPhoneNumber }
            throw InputError.allValuesBlocked(ignored)
        }
        let clock = self.clock
        let limits = protection.limits
        let receipt = try await store.transaction(
            reading: .matching(email: email, phoneNumber: phoneNumber)
        ) { selected in
            // The retry without the dropped field is decided here, on the rows this
            // transaction read, so a limit holds whatever runs concurrently.
            try ReconciliationRules.decide(
                email: email, phoneNumber: phoneNumber, matched: selected.rows, now: clock.now(), limits: limits
            ).plan.checked(against: selected)
        }
        // Deciding is deterministic: the same rows give the same dropped value.
        guard
            let dropped = ReconciliationRules.limitExceeded(
                email: email, phoneNumber: phoneNumber, matched: receipt.plan.selected.rows, limits: limits)
        else {
            var result = try Self.identification(of: receipt)
            result.ignored = ignored
            return result
        }
        ignored.append(dropped)
        guard receipt.plan.isEmpty else {
            // A new primary holding the kept value.
            var result = try Self.identification(of: receipt)
            result.ignored = ignored
            return result
        }
        // Unchanged: the rows read also hold the group of the dropped value; answer with the
        // group of the kept one.
        try receipt.checkInsertedIDs()
        let rows = receipt.plan.rowsAfter
        let holder = rows.first { row in
            row.isLive && (dropped.field == .email ? row.phoneNumber == phoneNumber : row.email == email)
        }
        guard let holder,
            let contact = ReconciliationRules.consolidate(Self.group(ofPrimary: holder.primaryID, in: rows))
        else {
            throw ContactStoreError.contractViolation("the rows read for the request hold neither of its values")
        }
        return Identification(contact: contact, outcome: .unchanged, ignored: ignored)
    }
}
