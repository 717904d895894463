/// A persisted plan with what it did: the library's view of one transaction.
public struct ContactCommit: Sendable, Hashable {
    /// The plan.
    public var plan: ContactPlan
    /// What the transaction read.
    public var selected: SelectedContacts
    /// The ids of the inserted rows, in the order of the plan's inserts.
    public var insertedIDs: [Int]
    /// The selected rows after the plan, then the inserted rows.
    public var rows: [Contact]

    /// The commit of a store's receipt: checks that the store assigned one new id per
    /// inserted row, and computes the rows after the plan.
    ///
    /// - Throws: ``ContactStoreError/contractViolation(_:)`` when the store assigned a different
    ///   number of ids than the plan inserts, or an id of a row it read, or one below 1.
    public init(receipt: ContactStoreReceipt) throws(ContactStoreError) {
        try receipt.checkInsertedIDs()
        let plan = receipt.plan
        var rows = plan.rowsAfter
        if plan.insertCount > 0 {
            rows.reserveCapacity(rows.count + plan.insertCount)
            plan.forEachInsertedRow(ids: receipt.insertedIDs) { rows.append($0) }
        }
        self.init(plan: plan.plan, selected: plan.selected, insertedIDs: receipt.insertedIDs, rows: rows)
    }

    /// Creates a commit.
    public init(plan: ContactPlan, selected: SelectedContacts, insertedIDs: [Int], rows: [Contact]) {
        self.plan = plan
        self.selected = selected
        self.insertedIDs = insertedIDs
        self.rows = rows
    }
}
