/// One broken rule found by ``ContactInvariants/violations(in:)``.
public struct ContactInvariantViolation: Sendable, Hashable, CustomStringConvertible {
    /// Which rule is broken.
    public enum Kind: String, Sendable, Hashable {
        /// An id is zero, negative, or `Int.max` (which would leave no id for the next row).
        case idOutOfRange
        /// Two rows share an id.
        case duplicateID
        /// A live primary has a `linkedId`, or a live secondary has none.
        case precedenceMismatch
        /// A live secondary links to an id that is missing, deleted, or not a primary.
        case brokenLink
        /// A group's primary is not its oldest live row by (`createdAt`, `id`).
        case primaryNotOldest
        /// An email or phone number appears in two groups.
        case valueInTwoGroups
    }

    /// Which rule is broken.
    public var kind: Kind
    /// The row at fault.
    public var contactID: Int
    /// A sentence explaining the problem.
    public var message: String

    /// Creates a violation.
    public init(kind: Kind, contactID: Int, message: String) {
        self.kind = kind
        self.contactID = contactID
        self.message = message
    }

    /// `contact <id>: <message>`.
    public var description: String { "contact \(contactID): \(message)" }
}

/// The invariants every store's rows satisfy after every transaction.
///
/// Over live rows: each group has exactly one primary and it is the group's oldest row
/// by (`createdAt`, `id`); every secondary links directly to its group's primary (no
/// chains); no email or phone number belongs to two groups. Over all rows: ids are
/// unique and in `1..<Int.max`.
public enum ContactInvariants {
    /// Checks the invariants.
    ///
    /// - Parameter rows: Every row of a store (live and deleted), in any order.
    /// - Returns: Every violation found, ordered by contact id; empty when the rows are consistent.
    public static func violations(in rows: [Contact]) -> [ContactInvariantViolation] {
        var found: [ContactInvariantViolation] = []
        var byID: [Int: Contact] = [:]
        byID.reserveCapacity(rows.count)
        for row in rows {
            if row.id <= 0 || row.id == Int.max {
                found.append(.init(kind: .idOutOfRange, contactID: row.id, message: "id is not in 1..<Int.max"))
            }
            if byID.updateValue(row, forKey: row.id) != nil {
                found.append(.init(kind: .duplicateID, contactID: row.id, message: "id is used by more than one row"))
            }
        }
        var oldestOfGroup: [Int: Contact] = [:]
        var emailGroup: [String: Int] = [:]
        var phoneGroup: [String: Int] = [:]
        for row in rows where row.isLive {
            switch (row.linkPrecedence, row.linkedId) {
            case (.primary, .some(let linked)):
                found.append(
                    .init(
                        kind: .precedenceMismatch, contactID: row.id, message: "primary has linkedId \(linked)"))
            case (.secondary, nil):
                found.append(.init(kind: .precedenceMismatch, contactID: row.id, message: "secondary has no linkedId"))
            case (.secondary, .some(let linked)):
                if let target = byID[linked], target.isLive, target.linkPrecedence == .primary, target.linkedId == nil {
                    break
                }
                found.append(
                    .init(
                        kind: .brokenLink, contactID: row.id,
                        message: "linkedId \(linked) is not a live primary"))
            case (.primary, nil):
                break
            }
            let group = row.primaryID
            if let oldest = oldestOfGroup[group] {
                if row.isOlder(than: oldest) { oldestOfGroup[group] = row }
            } else {
                oldestOfGroup[group] = row
            }
            if let email = row.email, let other = emailGroup.updateValue(group, forKey: email), other != group {
                found.append(
                    .init(
                        kind: .valueInTwoGroups, contactID: row.id,
                        message: "email \(email.debugDescription) is in groups \(other) and \(group)"))
            }
            if let phone = row.phoneNumber, let other = phoneGroup.updateValue(group, forKey: phone), other != group {
                found.append(
                    .init(
                        kind: .valueInTwoGroups, contactID: row.id,
                        message: "phoneNumber \(phone.debugDescription) is in groups \(other) and \(group)"))
            }
        }
        for (group, oldest) in oldestOfGroup where oldest.id != group {
            found.append(
                .init(
                    kind: .primaryNotOldest, contactID: group,
                    message: "primary of its group, but contact \(oldest.id) is older"))
        }
        return found.sorted { ($0.contactID, $0.kind.rawValue) < ($1.contactID, $1.kind.rawValue) }
    }
}
