#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension ReconciliationRules {
    /// Decides the plan of one identify request under ``GroupLimits``: the plan of
    /// ``decide(email:phoneNumber:matched:now:)``, unless it would make a group exceed a
    /// limit; then the plan of the request without its lower-priority field, decided once
    /// more on the same rows.
    ///
    /// The rows read for the whole request suffice for the reduced one: its one value
    /// matches a subset of the groups the two values matched. The reduced request never
    /// exceeds a limit itself: one value alone either is already held by its group (nothing
    /// written) or matches nothing (a new person holding only it).
    ///
    /// - Parameters:
    ///   - email: The normalized email, or `nil`.
    ///   - phoneNumber: The normalized phone number, or `nil`.
    ///   - matched: As for ``decide(email:phoneNumber:matched:now:)``.
    ///   - now: The timestamp for rows created or changed.
    ///   - limits: The limits per group.
    /// - Returns: The plan, and the dropped value when a limit made the rules drop one
    ///   (see ``limitExceeded(email:phoneNumber:matched:limits:)``).
    public static func decide(
        email: String?, phoneNumber: String?, matched: [Contact], now: Date, limits: GroupLimits
    ) -> (plan: ContactPlan, dropped: IgnoredValue?) {
        guard let dropped = limitExceeded(email: email, phoneNumber: phoneNumber, matched: matched, limits: limits)
        else {
            return (decide(email: email, phoneNumber: phoneNumber, matched: matched, now: now), nil)
        }
        switch dropped.field {
        case .email: return (decide(email: nil, phoneNumber: phoneNumber, matched: matched, now: now), dropped)
        case .phoneNumber: return (decide(email: email, phoneNumber: nil, matched: matched, now: now), dropped)
        }
    }

    /// Whether deciding the request would make a group exceed a limit, and if so the value
    /// to drop: the request's field other than ``GroupLimits/priority``.
    ///
    /// A group exceeds a limit of a field when, after the request, it would hold more
    /// distinct values of that field than the limit and more than it (or, for a merge,
    /// either of the two groups) held before; a group already over a limit is not split,
    /// only kept from growing. Only a request with both values can exceed a limit (one
    /// value alone adds no value to a group, or creates a group holding one value).
    ///
    /// - Parameters:
    ///   - email: The normalized email, or `nil`.
    ///   - phoneNumber: The normalized phone number, or `nil`.
    ///   - matched: As for ``decide(email:phoneNumber:matched:now:)``.
    ///   - limits: The limits per group.
    /// - Returns: The dropped value with ``IgnoredValue/Reason/groupLimit(field:limit:)``
    ///   naming the limit hit (the email limit first when both are), or `nil`.
    public static func limitExceeded(
        email: String?, phoneNumber: String?, matched: [Contact], limits: GroupLimits
    ) -> IgnoredValue? {
        guard let email, let phoneNumber, !limits.isNone else { return nil }
        var emailGroup: Int?
        var phoneGroup: Int?
        for row in matched where row.isLive {
            if emailGroup == nil, row.email == email { emailGroup = row.primaryID }
            if phoneGroup == nil, row.phoneNumber == phoneNumber { phoneGroup = row.primaryID }
        }
        // Nothing matched: a new group holds one value of each field. Both values in one
        // group: nothing is added.
        guard emailGroup != nil || phoneGroup != nil, emailGroup != phoneGroup else { return nil }
        // A secondary adds only the value its group lacks; a merge may grow both fields.
        for field in ContactField.allCases {
            let ownGroup = field == .email ? emailGroup : phoneGroup
            let otherGroup = field == .email ? phoneGroup : emailGroup
            if ownGroup != nil && otherGroup == nil { continue }
            guard let limit = limits.limit(of: field) else { continue }
            let value = field == .email ? email : phoneNumber
            let counts = distinctCounts(
                of: field, adding: value, inGroups: emailGroup, phoneGroup, matched: matched, above: limit)
            if counts.after > limit && counts.after > counts.largestBefore {
                let dropped = limits.priority.other
                return IgnoredValue(
                    field: dropped, value: dropped == .email ? email : phoneNumber,
                    reason: .groupLimit(field: field, limit: limit))
            }
        }
        return nil
    }

    /// How many distinct values of `field` the groups `first` and `second` hold together with
    /// `value` (`after`), and the most either held alone. Groups whose rows are too few to
    /// exceed `limit` are not counted, and groups of a few dozen rows are counted by
    /// comparing rows pairwise: an identify stays free of allocation and hashing.
    private static func distinctCounts(
        of field: ContactField, adding value: String, inGroups first: Int?, _ second: Int?, matched: [Contact],
        above limit: Int
    ) -> (after: Int, largestBefore: Int) {
        func held(_ row: Contact) -> String? {
            guard row.isLive, row.primaryID == first || row.primaryID == second else { return nil }
            return field == .email ? row.email : row.phoneNumber
        }
        var holders = 0
        for row in matched where held(row) != nil { holders += 1 }
        // At most one new value per row holding one, plus the request's.
        guard holders + 1 > limit else { return (holders + 1, 0) }
        var union = 1  // the request's value
        var perGroup = (0, 0)
        if holders <= 32 {
            for index in matched.indices {
                guard let current = held(matched[index]) else { continue }
                let group = matched[index].primaryID
                let earlier = matched[..<index]
                if !earlier.contains(where: { held($0) == current && $0.primaryID == group }) {
                    if group == first { perGroup.0 += 1 } else { perGroup.1 += 1 }
                }
                if current != value && !earlier.contains(where: { held($0) == current }) { union += 1 }
            }
            return (union, max(perGroup.0, perGroup.1))
        }
        var values: Set<String> = [value]
        var firstValues: Set<String> = []
        var secondValues: Set<String> = []
        for row in matched {
            guard let current = held(row) else { continue }
            values.insert(current)
            if row.primaryID == first { firstValues.insert(current) } else { secondValues.insert(current) }
        }
        return (values.count, max(firstValues.count, secondValues.count))
    }
}
