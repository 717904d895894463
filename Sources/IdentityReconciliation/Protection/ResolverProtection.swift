/// A ``GraphProtection`` made ready for one resolver: exact values normalized once with its
/// policy. Built at `init`, `nil` when nothing is configured, so an unprotected identify
/// pays one `nil` check.
final class ResolverProtection: Sendable {
    /// One field's blocked values.
    struct Field: Sendable {
        let field: ContactField
        /// Exact values the policy accepted, normalized.
        let normalized: Set<String>
        /// Exact values the policy refused, trimmed and lowercased: compared with the request's
        /// value before the policy sees it.
        let refused: Set<String>
        /// The UTF-8 lengths of `normalized` and `refused` (bit `n` for length `n`, bit 63 for
        /// 63 and more): a value of another length is not hashed, nor lowercased, which
        /// spares nearly every request the lookups.
        let normalizedLengths: UInt64
        let refusedLengths: UInt64
        let rules: [BlockRule]

        init(_ field: ContactField, values: Set<String>, rules: [BlockRule], policy: any NormalizationPolicy) {
            var normalized: Set<String> = []
            var refused: Set<String> = []
            for value in values {
                if let accepted = try? Self.normalize(value, field, policy) {
                    normalized.insert(accepted)
                } else {
                    let trimmed = TextRules.trimmingWhitespace(value).lowercased()
                    if !trimmed.isEmpty { refused.insert(trimmed) }
                }
            }
            self.field = field
            self.normalized = normalized
            self.refused = refused
            self.normalizedLengths = normalized.reduce(0) { $0 | Self.lengthBit($1) }
            self.refusedLengths = refused.reduce(0) { $0 | Self.lengthBit($1) }
            self.rules = rules
        }

        static func lengthBit(_ text: String) -> UInt64 { 1 << min(text.utf8.count, 63) }

        /// The normalized value, `nil` when absent; throws what the policy throws.
        static func normalize(
            _ raw: String?, _ field: ContactField, _ policy: any NormalizationPolicy
        ) throws(InputError) -> String? {
            switch field {
            case .email: try TextRules.email(raw, policy: policy)
            case .phoneNumber: try TextRules.phoneNumber(raw, policy: policy)
            }
        }

        /// The request's value normalized, or `nil` when it is absent or blocked (then
        /// recorded in `ignored`).
        func value(
            _ raw: String?, policy: any NormalizationPolicy, ignored: inout [IgnoredValue]
        ) throws(InputError) -> String? {
            guard let raw else { return nil }
            if refusedLengths != 0 {
                let trimmed = TextRules.trimmingWhitespace(raw)
                // Lowercasing keeps an ASCII value's length; other values are always looked up.
                if refusedLengths & Self.lengthBit(trimmed) != 0 || !TextRules.isPrintableASCII(trimmed),
                    refused.contains(trimmed.lowercased())
                {
                    ignored.append(IgnoredValue(field: field, value: trimmed, reason: .blocked))
                    return nil
                }
            }
            guard let value = try Self.normalize(raw, field, policy) else { return nil }
            if normalizedLengths & Self.lengthBit(value) != 0, normalized.contains(value) {
                ignored.append(IgnoredValue(field: field, value: value, reason: .blocked))
                return nil
            }
            if let rule = rules.first(where: { $0.matches(value) }) {
                ignored.append(IgnoredValue(field: field, value: value, reason: .matchedRule(rule.name)))
                return nil
            }
            return value
        }
    }

    let email: Field
    let phoneNumber: Field
    let limits: GroupLimits

    /// The protection for a resolver with this policy, or `nil` when it changes nothing.
    static func make(_ protection: GraphProtection, policy: any NormalizationPolicy) -> ResolverProtection? {
        protection.isNone ? nil : ResolverProtection(protection, policy: policy)
    }

    private init(_ protection: GraphProtection, policy: any NormalizationPolicy) {
        let blocked = protection.blockedValues
        email = Field(.email, values: blocked.emails, rules: blocked.emailRules, policy: policy)
        phoneNumber = Field(.phoneNumber, values: blocked.phoneNumbers, rules: blocked.phoneNumberRules, policy: policy)
        limits = protection.limits
    }
}
