/// A value of a request that ``IdentityResolver/identify(email:phoneNumber:)`` left out,
/// and why: listed in ``Identification/ignored``.
public struct IgnoredValue: Sendable, Hashable, CustomStringConvertible {
    /// Why a value was left out.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The value is one of the exact values of ``BlockedValues``.
        case blocked
        /// The value matched the ``BlockRule`` with this name.
        case matchedRule(String)
        /// Keeping the value would have given one person more distinct values of `field`
        /// than `limit` (see ``GroupLimits``), so the request was decided again without it.
        case groupLimit(field: ContactField, limit: Int)

        /// A short English explanation.
        public var description: String {
            switch self {
            case .blocked: "is a blocked value"
            case .matchedRule(let name): "matches the blocking rule \(name.debugDescription)"
            case .groupLimit(let field, let limit):
                "would give one person more than \(limit) distinct \(field == .email ? "emails" : "phone numbers")"
            }
        }
    }

    /// The request's field that was left out.
    public var field: ContactField
    /// The value that was left out: normalized when the policy accepted it, otherwise as
    /// sent, trimmed.
    public var value: String
    /// Why.
    public var reason: Reason

    /// Creates a description of an ignored value.
    public init(field: ContactField, value: String, reason: Reason) {
        self.field = field
        self.value = value
        self.reason = reason
    }

    /// `phoneNumber "0000000000" matches the blocking rule "repeated digit"`.
    public var description: String { "\(field) \(value.debugDescription) \(reason)" }
}
