/// One of the two values a request carries: its email or its phone number.
///
/// Names the field a ``GraphProtection`` rule applies to, the field an ``IgnoredValue``
/// left out, the field ``GroupLimits/priority`` keeps, and the field of a value in a
/// ``GraphReport``.
public enum ContactField: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The email.
    case email
    /// The phone number.
    case phoneNumber

    /// The other field.
    public var other: ContactField {
        switch self {
        case .email: .phoneNumber
        case .phoneNumber: .email
        }
    }

    /// The field's name in the wire format: `email` or `phoneNumber`.
    public var description: String { rawValue }
}
