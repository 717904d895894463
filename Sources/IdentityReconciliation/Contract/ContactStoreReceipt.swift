/// What a ``ContactStore`` reports after persisting a plan.
public struct ContactStoreReceipt: Sendable, Hashable {
    /// The plan that was persisted.
    public var plan: CheckedContactPlan
    /// The ids assigned to the inserted rows, in the order of the plan's inserts.
    public var insertedIDs: [Int]

    /// Creates a receipt.
    public init(plan: CheckedContactPlan, insertedIDs: [Int]) {
        self.plan = plan
        self.insertedIDs = insertedIDs
    }

    /// Checks that the store assigned one new id per inserted row.
    ///
    /// - Throws: ``ContactStoreError/contractViolation(_:)`` when the store assigned a different
    ///   number of ids than the plan inserts, or an id of a row it read, or one below 1.
    func checkInsertedIDs() throws(ContactStoreError) {
        guard insertedIDs.count == plan.insertCount else {
            throw .contractViolation(
                "the plan inserts \(plan.insertCount) row(s), but the store assigned \(insertedIDs.count) id(s)")
        }
        guard plan.insertCount > 0 else { return }
        let selectedIDs = plan.selected.rows.lazy.map(\.id)
        if let reused = insertedIDs.first(where: { $0 <= 0 || selectedIDs.contains($0) }) {
            throw .contractViolation("the store assigned id \(reused) to a new row")
        }
    }
}
