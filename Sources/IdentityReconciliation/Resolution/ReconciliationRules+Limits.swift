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
        // Nothing matched: a new group holds one value of each field.
        guard emailGroup != nil || phoneGroup != nil else { return nil }
        let groups = Set([emailGroup, phoneGroup].compactMap { $0 })
        for field in ContactField.allCases {
            guard let limit = limits.limit(of: field) else { continue }
            var largestBefore = 0
            var after: Set<String> = []
            for group in groups {
                var values: Set<String> = []
                for row in matched where row.isLive && row.primaryID == group {
                    if let value = field == .email ? row.email : row.phoneNumber { values.insert(value) }
                }
                largestBefore = max(largestBefore, values.count)
                after.formUnion(values)
            }
            after.insert(field == .email ? email : phoneNumber)
            if after.count > limit && after.count > largestBefore {
                let dropped = limits.priority.other
                return IgnoredValue(
                    field: dropped, value: dropped == .email ? email : phoneNumber,
                    reason: .groupLimit(field: field, limit: limit))
            }
        }
        return nil
    }
}
