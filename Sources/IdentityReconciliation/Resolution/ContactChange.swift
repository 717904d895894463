#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The single write that one identify makes, as decided by ``ReconciliationRules``.
///
/// A ``ContactStore`` applies it inside the same transaction in which it read the rows
/// the decision was made on. See ``ContactStore`` for exactly what each case writes.
public enum ContactChange: Sendable, Hashable {
    /// Write nothing.
    case none
    /// Insert a new primary row (`linkedId` `nil`, `updatedAt` = `createdAt`) with a new id.
    case insertPrimary(email: String?, phoneNumber: String?, createdAt: Date)
    /// Insert a new secondary row linked to `primaryID` (`updatedAt` = `createdAt`) with a new id.
    case insertSecondary(email: String?, phoneNumber: String?, primaryID: Int, createdAt: Date)
    /// Merge the group of `demotedPrimaryID` into the group of `primaryID`: every live row
    /// whose id is `demotedPrimaryID` or whose `linkedId` is `demotedPrimaryID` becomes a
    /// secondary with `linkedId` = `primaryID` and `updatedAt` = `updatedAt`. `createdAt` is unchanged.
    case merge(primaryID: Int, demotedPrimaryID: Int, updatedAt: Date)

    /// Applies the change to the live rows it was decided on and returns the live rows of
    /// the resulting group, in no particular order.
    ///
    /// A store whose transaction already holds the matched rows can use this to build its
    /// ``ContactStoreCommit/group`` instead of reading the group back.
    ///
    /// - Parameters:
    ///   - rows: The rows that were passed to the decision.
    ///   - insertedID: The id the store assigned to the inserted row, for the insert cases.
    /// - Returns: The rows of the group the change touched (for ``none``, `rows` unchanged).
    public func applied(to rows: [Contact], insertedID: Int?) -> [Contact] {
        switch self {
        case .none:
            return rows
        case .insertPrimary(let email, let phoneNumber, let createdAt):
            guard let insertedID else { return [] }
            return [
                Contact(
                    id: insertedID, email: email, phoneNumber: phoneNumber, linkedId: nil,
                    linkPrecedence: .primary, createdAt: createdAt, updatedAt: createdAt)
            ]
        case .insertSecondary(let email, let phoneNumber, let primaryID, let createdAt):
            var group: [Contact] = []
            group.reserveCapacity(rows.count + 1)
            for row in rows where row.primaryID == primaryID { group.append(row) }
            if let insertedID {
                group.append(
                    Contact(
                        id: insertedID, email: email, phoneNumber: phoneNumber, linkedId: primaryID,
                        linkPrecedence: .secondary, createdAt: createdAt, updatedAt: createdAt))
            }
            return group
        case .merge(let primaryID, let demotedPrimaryID, let updatedAt):
            return rows.compactMap { row in
                if row.primaryID == primaryID { return row }
                guard row.primaryID == demotedPrimaryID else { return nil }
                var relinked = row
                relinked.linkedId = primaryID
                relinked.linkPrecedence = .secondary
                relinked.updatedAt = updatedAt
                return relinked
            }
        }
    }
}
