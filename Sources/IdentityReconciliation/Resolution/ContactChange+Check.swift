extension ContactChange {
    /// Checks that this change, decided on `matched`, keeps ``ContactInvariants`` once applied.
    ///
    /// What ``ReconciliationRules`` decide always passes. A store calls this inside its
    /// transaction, between `decide` and writing, because the `decide` passed to
    /// ``ContactStore/reconcile(email:phoneNumber:decide:)`` can be anyone's, and a change
    /// such as a merge of a group into itself would corrupt the groups. A change may only
    /// refer to the groups it was decided on (which are also the groups a store has locked):
    /// - a merge's two ids are distinct live primaries among `matched`, and the surviving one
    ///   is the older by (`createdAt`, `id`);
    /// - a new secondary's primary is a live primary among `matched`, no newer than the row;
    /// - a new row has an email or a phone number, and neither is held by a live row of
    ///   `matched` outside the group it joins.
    ///
    /// - Parameter matched: The rows the change was decided on.
    /// - Throws: ``ContactStoreError/invalidChange(_:reason:)`` naming the rule it breaks.
    public func check(against matched: [Contact]) throws(ContactStoreError) {
        func livePrimary(_ id: Int, _ role: String) throws(ContactStoreError) -> Contact {
            guard let row = matched.first(where: { $0.id == id && $0.isLive && $0.linkedId == nil }) else {
                throw .invalidChange(self, reason: "the \(role) \(id) is not a live primary among the matched rows")
            }
            return row
        }
        func newRow(email: String?, phoneNumber: String?, joining group: Int?) throws(ContactStoreError) {
            guard email != nil || phoneNumber != nil else {
                throw .invalidChange(self, reason: "the new row has neither an email nor a phone number")
            }
            let holder = matched.first { row in
                row.isLive && row.primaryID != group
                    && ((email != nil && row.email == email) || (phoneNumber != nil && row.phoneNumber == phoneNumber))
            }
            if let holder {
                throw .invalidChange(
                    self, reason: "contact \(holder.id) of another group already holds a value of the new row")
            }
        }
        switch self {
        case .none:
            return
        case .insertPrimary(let email, let phoneNumber, _):
            try newRow(email: email, phoneNumber: phoneNumber, joining: nil)
        case .insertSecondary(let email, let phoneNumber, let primaryID, let createdAt):
            let primary = try livePrimary(primaryID, "primary")
            try newRow(email: email, phoneNumber: phoneNumber, joining: primaryID)
            guard createdAt >= primary.createdAt else {
                throw .invalidChange(self, reason: "the new row would be older than its primary \(primaryID)")
            }
        case .merge(let primaryID, let demotedPrimaryID, _):
            guard primaryID != demotedPrimaryID else {
                throw .invalidChange(self, reason: "a group cannot be merged into itself")
            }
            let survivor = try livePrimary(primaryID, "primary")
            let demoted = try livePrimary(demotedPrimaryID, "demoted primary")
            guard survivor.isOlder(than: demoted) else {
                throw .invalidChange(
                    self, reason: "contact \(demotedPrimaryID) is older than \(primaryID), so it must stay primary")
            }
        }
    }
}
