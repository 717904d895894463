extension SelectedContacts {
    /// Checks that what a store read for a lookup or an explanation (a ``ContactSelection``
    /// of one live group, no deleted rows) can be taken as that group: each row once and live;
    /// one group, whose secondaries all link to its primary, which is among the rows; and
    /// the group holds the selection's email or phone number, or its contact id.
    ///
    /// A lookup writes nothing, so it is not checked against ``ContactInvariants`` (a store's
    /// own verification reports those); this is what consolidating needs to give the group's
    /// answer rather than a mixture of rows.
    ///
    /// - Throws: ``ContactStoreError/contractViolation(_:)`` naming the row that breaks the
    ///   shape.
    func checkLookup(of selection: ContactSelection) throws(ContactStoreError) {
        guard let first = rows.first else { return }
        let primaryID = first.primaryID
        var ids = Set<Int>(minimumCapacity: rows.count)
        var hasPrimary = false
        var leadsBack = false
        for row in rows {
            guard row.isLive else {
                throw .contractViolation("read(_:) returned the deleted contact \(row.id) for a lookup")
            }
            guard ids.insert(row.id).inserted else {
                throw .contractViolation("read(_:) returned contact \(row.id) more than once")
            }
            guard row.primaryID == primaryID else {
                throw .contractViolation(
                    "read(_:) returned contacts of two groups (primaries \(primaryID) and \(row.primaryID)) for one lookup"
                )
            }
            if row.linkPrecedence == .primary {
                guard row.id == primaryID, row.linkedId == nil else {
                    throw .contractViolation("read(_:) returned contact \(row.id), a primary linked to another row")
                }
                hasPrimary = true
            }
            if row.id == selection.contactID
                || (selection.email != nil && row.email == selection.email)
                || (selection.phoneNumber != nil && row.phoneNumber == selection.phoneNumber)
            {
                leadsBack = true
            }
        }
        guard hasPrimary else {
            throw .contractViolation("read(_:) returned the group of contact \(primaryID) without that primary")
        }
        guard leadsBack else {
            throw .contractViolation("read(_:) returned a group holding nothing the lookup selected")
        }
    }
}
