#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The invariants every store's rows satisfy after every transaction.
///
/// Over live rows: each group has exactly one primary and it is the group's oldest row
/// by (`createdAt`, `id`); every secondary links directly to its group's primary (no
/// chains); no email or phone number belongs to two groups. Over all rows: ids are
/// unique and in `1..<Int.max`, and every date is one a row may hold
/// (``Contact/isValidDate(_:)``, also for the links).
///
/// With the links (``violations(in:links:)``) also: the groups are exactly the connected
/// components of the live rows under shared emails, shared phone numbers and links, and
/// every link's email and phone number are held by live rows.
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
            for message in datesOutOfRange(of: row) {
                found.append(.init(kind: .dateOutOfRange, contactID: row.id, message: message))
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
        return found.sorted { ($0.contactID ?? 0, $0.kind.rawValue) < ($1.contactID ?? 0, $1.kind.rawValue) }
    }

    /// Checks the invariants of ``violations(in:)`` and those of the evidence: every group
    /// is one connected component of the live rows under shared values and `links`, no link
    /// joins two groups, and every link's values are held by live rows.
    ///
    /// - Parameters:
    ///   - rows: Every row of a store, or every row of some whole groups.
    ///   - links: The links of those rows' values.
    /// - Returns: Every violation found, ordered by contact id (violations about a link that no
    ///   live row holds, with no contact id, first).
    public static func violations(in rows: [Contact], links: [ContactLink]) -> [ContactInvariantViolation] {
        var found = violations(in: rows)
        let evidence = ContactEvidence(rows: rows, links: links)
        var componentOfGroup: [Int: Int] = [:]
        var reported = Set<Int>()
        for (index, row) in rows.enumerated() where row.isLive {
            let component = evidence.component[index]!
            if let other = componentOfGroup.updateValue(component, forKey: row.primaryID), other != component,
                reported.insert(row.primaryID).inserted
            {
                found.append(
                    .init(
                        kind: .groupNotConnected, contactID: row.primaryID,
                        message: "the group's live rows are more than one person by their values and links"))
            }
        }
        var emailHolder: [String: Contact] = [:]
        var phoneHolder: [String: Contact] = [:]
        for row in rows where row.isLive {
            if let email = row.email { emailHolder[email] = row }
            if let phone = row.phoneNumber { phoneHolder[phone] = row }
        }
        for link in links {
            let holder = emailHolder[link.email] ?? phoneHolder[link.phoneNumber]
            if let message = dateOutOfRange(link.createdAt, "the link's createdAt") {
                found.append(.init(kind: .dateOutOfRange, contactID: holder?.id, link: link, message: message))
            }
            guard let emailRow = emailHolder[link.email], let phoneRow = phoneHolder[link.phoneNumber] else {
                found.append(
                    .init(
                        kind: .danglingLink, contactID: holder?.id, link: link,
                        message: "the link's \(emailHolder[link.email] == nil ? "email" : "phone number") "
                            + "is held by no live row"))
                continue
            }
            if emailRow.primaryID != phoneRow.primaryID {
                found.append(
                    .init(
                        kind: .linkBetweenGroups, contactID: emailRow.id, link: link,
                        message: "a link joins it to contact \(phoneRow.id) of group \(phoneRow.primaryID)"))
            }
        }
        return found.sorted { ($0.contactID ?? 0, $0.kind.rawValue) < ($1.contactID ?? 0, $1.kind.rawValue) }
    }

    /// Why each of the row's `createdAt`, `updatedAt` and `deletedAt` that is outside
    /// ``Contact/isValidDate(_:)`` is; empty (and allocating nothing) when all are inside.
    static func datesOutOfRange(of row: Contact) -> [String] {
        var messages: [String] = []
        if let message = dateOutOfRange(row.createdAt, "createdAt") { messages.append(message) }
        if let message = dateOutOfRange(row.updatedAt, "updatedAt") { messages.append(message) }
        if let deletedAt = row.deletedAt, let message = dateOutOfRange(deletedAt, "deletedAt") {
            messages.append(message)
        }
        return messages
    }

    /// Why `date`, the value of the field `name`, is outside ``Contact/isValidDate(_:)``, or `nil`
    /// when it is inside.
    static func dateOutOfRange(_ date: Date, _ name: String) -> String? {
        guard !Contact.isValidDate(date) else { return nil }
        return "\(name) (\(date.timeIntervalSince1970) seconds from 1970) is outside years 1 through 9999"
    }
}
