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

    /// Creates a commit.
    public init(plan: ContactPlan, selected: SelectedContacts, insertedIDs: [Int], rows: [Contact]) {
        self.plan = plan
        self.selected = selected
        self.insertedIDs = insertedIDs
        self.rows = rows
    }

    /// The live rows of the group that the row holding `email` or `phoneNumber` belongs to
    /// after the plan; empty when no live row holds either.
    public func group(holdingEmail email: String?, phoneNumber: String?) -> [Contact] {
        guard
            let holder = rows.first(where: {
                $0.isLive
                    && ((email != nil && $0.email == email) || (phoneNumber != nil && $0.phoneNumber == phoneNumber))
            })
        else { return [] }
        let primaryID = holder.primaryID
        if rows.allSatisfy({ $0.isLive && $0.primaryID == primaryID }) { return rows }
        return rows.filter { $0.isLive && $0.primaryID == primaryID }
    }
}
