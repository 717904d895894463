/// A policy that keeps values exactly as given.
///
/// Only the rules that hold under every ``NormalizationPolicy`` apply: the length limits,
/// empty means absent, no control characters, and Unicode normal form C. `" a@b.c"` and
/// `"a@b.c"` are different emails under this policy.
public struct ExactNormalizationPolicy: NormalizationPolicy {
    /// Creates the exact policy.
    public init() {}

    /// Returns the email unchanged. Never throws.
    public func normalizeEmail(_ email: String) throws(InputError) -> String? { email }

    /// Returns the phone number unchanged. Never throws.
    public func normalizePhoneNumber(_ phoneNumber: String) throws(InputError) -> String? { phoneNumber }
}
