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
        // Rows are read in place, by index, here and in `consolidate`: a `for row in` loop
        // copies each row, retaining and releasing its strings. Reading them in place took 8%
        // of the instructions of an identify's rules, check and store work.
        for index in matched.indices where matched[index].isLive {
            if emailGroup == nil, let email, matched[index].email == email { emailGroup = matched[index].primaryID }
            if phoneGroup == nil, let phoneNumber, matched[index].phoneNumber == phoneNumber {
                phoneGroup = matched[index].primaryID
            }
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
        for index in matched.indices where matched[index].isLive && matched[index].primaryID == groupID {
            if emailIsNew && matched[index].email == email { emailIsNew = false }
            if phoneNumberIsNew && matched[index].phoneNumber == phoneNumber { phoneNumberIsNew = false }
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
        var rows = group.allSatisfy(\.isLive) ? group : group.filter(\.isLive)
        // Stores usually hand rows over oldest first; sorting only when needed saves a pass.
        if !isOldestFirst(rows) { rows.sort { $0.isOlder(than: $1) } }
        return consolidate(oldestFirst: rows, room: 0)
    }

    /// ``consolidate(_:)`` of `group` and `newRow` together. When `group` is live, oldest
    /// first and has its primary, and `newRow` is a live secondary newer than all of it (what
    /// an identify's insert leaves), `group` is not copied into a new array: a measurable
    /// share of an in-memory identify.
    static func consolidate(_ group: [Contact], adding newRow: Contact) -> ConsolidatedContact? {
        if group.isEmpty {
            guard newRow.isLive else { return nil }
            return ConsolidatedContact(
                primaryContactID: newRow.id, emails: newRow.email.map { [$0] } ?? [],
                phoneNumbers: newRow.phoneNumber.map { [$0] } ?? [], secondaryContactIDs: [])
        }
        guard newRow.isLive, newRow.linkPrecedence == .secondary,
            let last = group.indices.last, !newRow.isOlder(than: group[last]),
            group.allSatisfy(\.isLive), isOldestFirst(group),
            var contact = consolidate(oldestFirst: group, room: 1), contact.primaryContactID != newRow.id
        else { return consolidate(group + [newRow]) }
        if let email = newRow.email, !contact.emails.contains(email) { contact.emails.append(email) }
        if let phoneNumber = newRow.phoneNumber, !contact.phoneNumbers.contains(phoneNumber) {
            contact.phoneNumbers.append(phoneNumber)
        }
        contact.secondaryContactIDs.append(newRow.id)
        return contact
    }

    private static func isOldestFirst(_ rows: [Contact]) -> Bool {
        rows.indices.dropFirst().allSatisfy { !rows[$0].isOlder(than: rows[$0 - 1]) }
    }

    /// The consolidated contact of live rows given oldest first, its lists allocated with
    /// `room` for more values.
    private static func consolidate(oldestFirst rows: [Contact], room: Int) -> ConsolidatedContact? {
        guard !rows.isEmpty else { return nil }
        // The row marked primary, the oldest row if none is.
        let primaryIndex = rows.firstIndex { $0.linkPrecedence == .primary } ?? 0
        var emails = UniqueValues(capacity: rows.count + room)
        var phoneNumbers = UniqueValues(capacity: rows.count + room)
        var secondaryIDs: [Int] = []
        secondaryIDs.reserveCapacity(rows.count - 1 + room)
        emails.append(rows[primaryIndex].email)
        phoneNumbers.append(rows[primaryIndex].phoneNumber)
        for index in rows.indices where index != primaryIndex {
            emails.append(rows[index].email)
            phoneNumbers.append(rows[index].phoneNumber)
            secondaryIDs.append(rows[index].id)
        }
        return ConsolidatedContact(
            primaryContactID: rows[primaryIndex].id,
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
