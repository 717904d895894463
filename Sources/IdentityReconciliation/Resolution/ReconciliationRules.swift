#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The reconciliation rules as pure functions: no I/O, no clock, no store.
///
/// ``IdentityResolver`` calls ``decide(email:phoneNumber:matched:now:)`` inside a store's
/// transaction and ``consolidate(_:)`` on the group the store returns. Both are
/// deterministic, so they can be tested on plain values.
public enum ReconciliationRules {
    /// Decides the plan of one identify request: one insert, one merge with its link, or nothing.
    ///
    /// - Parameters:
    ///   - email: The normalized email, or `nil`.
    ///   - phoneNumber: The normalized phone number, or `nil`.
    ///   - matched: Every live row of every group that has a live row with this email or
    ///     this phone number (in any order). A `nil` field matches nothing.
    ///   - now: The timestamp for rows created or changed.
    /// - Returns:
    ///   - an ``ContactWrite/insert(email:phoneNumber:linkedId:createdAt:)`` of a new primary
    ///     (`linkedId` `nil`) when nothing matches;
    ///   - a ``ContactWrite/relinkGroup(primaryID:survivorID:updatedAt:)`` when the email
    ///     matches one group and the phone number another (the group whose primary is
    ///     older by (`createdAt`, `id`) survives), with an ``ContactWrite/addLink(_:)`` of the
    ///     request's email and phone number, the evidence that no row holds;
    ///   - an insert of a secondary of the matched group's primary when the request brings
    ///     an email or phone number the group lacks;
    ///   - an empty plan otherwise.
    ///
    /// A new secondary is never dated before its primary (`createdAt` is at least the
    /// primary's), so a clock that steps backwards cannot make it the group's oldest row.
    public static func decide(email: String?, phoneNumber: String?, matched: [Contact], now: Date) -> ContactPlan {
        var emailGroup: Int?
        var phoneGroup: Int?
        for row in matched where row.isLive {
            if emailGroup == nil, let email, row.email == email { emailGroup = row.primaryID }
            if phoneGroup == nil, let phoneNumber, row.phoneNumber == phoneNumber { phoneGroup = row.primaryID }
        }
        guard let groupID = emailGroup ?? phoneGroup else {
            return ContactPlan([.insert(email: email, phoneNumber: phoneNumber, linkedId: nil, createdAt: now)])
        }
        if let emailGroup, let phoneGroup, let email, let phoneNumber, emailGroup != phoneGroup {
            let first = primaryRow(of: emailGroup, in: matched)
            let second = primaryRow(of: phoneGroup, in: matched)
            let emailGroupIsOlder: Bool
            if let first, let second {
                emailGroupIsOlder = first.isOlder(than: second)
            } else {
                emailGroupIsOlder = emailGroup < phoneGroup
            }
            // No row holds the pair that made the two groups one: a link records it.
            return ContactPlan([
                .relinkGroup(
                    primaryID: emailGroupIsOlder ? phoneGroup : emailGroup,
                    survivorID: emailGroupIsOlder ? emailGroup : phoneGroup,
                    updatedAt: now),
                .addLink(ContactLink(email: email, phoneNumber: phoneNumber, createdAt: now)),
            ])
        }
        var emailIsNew = email != nil
        var phoneNumberIsNew = phoneNumber != nil
        for row in matched where row.isLive && row.primaryID == groupID {
            if emailIsNew && row.email == email { emailIsNew = false }
            if phoneNumberIsNew && row.phoneNumber == phoneNumber { phoneNumberIsNew = false }
        }
        guard emailIsNew || phoneNumberIsNew else { return ContactPlan() }
        let primaryCreatedAt = primaryRow(of: groupID, in: matched)?.createdAt ?? now
        return ContactPlan([
            .insert(email: email, phoneNumber: phoneNumber, linkedId: groupID, createdAt: max(now, primaryCreatedAt))
        ])
    }

    /// Builds the consolidated contact of one group.
    ///
    /// - Parameter group: The live rows of one group, in any order. Deleted rows are ignored.
    /// - Returns: The consolidated contact, or `nil` when `group` has no live row.
    ///   The primary is the row marked ``LinkPrecedence/primary`` (the oldest row if none is).
    public static func consolidate(_ group: [Contact]) -> ConsolidatedContact? {
        consolidate(group, adding: nil)
    }

    /// ``consolidate(_:)`` of `group` and `newRow` together. When `group` is live and oldest
    /// first and `newRow` is live and newer than all of it (what an identify's insert leaves),
    /// neither is copied into a new array: a measurable share of an in-memory identify.
    static func consolidate(_ group: [Contact], adding newRow: Contact?) -> ConsolidatedContact? {
        let inOrder =
            group.allSatisfy(\.isLive) && zip(group, group.dropFirst()).allSatisfy({ !$1.isOlder(than: $0) })
            && newRow.map { row in row.isLive && group.last.map { !row.isOlder(than: $0) } ?? true } ?? true
        guard inOrder else {
            // Stores usually hand rows over oldest first; sorting only when needed saves a pass.
            let rows = (newRow.map { group + [$0] } ?? group).filter(\.isLive).sorted { $0.isOlder(than: $1) }
            return consolidate(oldestFirst: rows, then: nil)
        }
        return consolidate(oldestFirst: group, then: newRow)
    }

    /// The consolidated contact of live rows given oldest first: `rows`, then `newest`.
    private static func consolidate(oldestFirst rows: [Contact], then newest: Contact?) -> ConsolidatedContact? {
        let count = rows.count + (newest == nil ? 0 : 1)
        guard count > 0 else { return nil }
        // The row marked primary, the oldest row if none is.
        let primary: Contact
        if let index = rows.firstIndex(where: { $0.linkPrecedence == .primary }) {
            primary = rows[index]
        } else if let newest, newest.linkPrecedence == .primary || rows.isEmpty {
            primary = newest
        } else {
            primary = rows[0]
        }
        var emails = UniqueValues(capacity: count)
        var phoneNumbers = UniqueValues(capacity: count)
        var secondaryIDs: [Int] = []
        secondaryIDs.reserveCapacity(count - 1)
        emails.append(primary.email)
        phoneNumbers.append(primary.phoneNumber)
        for index in rows.indices where rows[index].id != primary.id {
            emails.append(rows[index].email)
            phoneNumbers.append(rows[index].phoneNumber)
            secondaryIDs.append(rows[index].id)
        }
        if let newest, newest.id != primary.id {
            emails.append(newest.email)
            phoneNumbers.append(newest.phoneNumber)
            secondaryIDs.append(newest.id)
        }
        return ConsolidatedContact(
            primaryContactID: primary.id,
            emails: emails.values,
            phoneNumbers: phoneNumbers.values,
            secondaryContactIDs: secondaryIDs
        )
    }

    /// Values in first-seen order without repeats. Most groups hold a handful of values, so
    /// a linear search beats hashing; a set takes over once the list grows.
    private struct UniqueValues {
        var values: [String] = []
        private var index: Set<String>?

        /// Reserves room for `capacity` values (at most one per row), so the list is allocated once.
        init(capacity: Int) {
            values.reserveCapacity(capacity)
        }

        mutating func append(_ value: String?) {
            guard let value else { return }
            if index != nil {
                if index!.insert(value).inserted { values.append(value) }
            } else if !values.contains(value) {
                values.append(value)
                if values.count >= 16 { index = Set(values) }
            }
        }
    }

    private static func primaryRow(of groupID: Int, in rows: [Contact]) -> Contact? {
        rows.first { $0.id == groupID && $0.isLive }
    }
}
