/// Turns the raw email and phone number of a request into the values that are stored
/// and compared, or refuses them.
///
/// ``IdentityResolver`` calls the policy once per field and then applies the rules that
/// hold under every policy, so a custom policy cannot break them:
/// - before the policy: an email longer than ``InputLimits/maximumEmailBytes`` UTF-8
///   bytes or a phone number longer than ``InputLimits/maximumPhoneNumberCharacters``
///   characters is refused;
/// - after the policy: an empty result means the field is absent, a result containing a
///   control character is refused, and the result is put in Unicode normal form C (NFC),
///   so the same text typed with precomposed or combining characters is one value in
///   memory, on disk and in any other store; an email that is then longer than
///   ``InputLimits/maximumEmailBytes`` UTF-8 bytes is refused.
///
/// Built-in policies: ``StandardNormalizationPolicy`` (``standard``, the default) and
/// ``ExactNormalizationPolicy`` (``exact``). A policy must be deterministic: the same
/// input always gives the same output, or equal values would stop matching.
public protocol NormalizationPolicy: Sendable {
    /// Normalizes a raw email.
    ///
    /// - Returns: The value to store and compare, or `nil` (or an empty string) when the field counts as absent.
    /// - Throws: ``InputError/invalidEmail(reason:)`` when the value is refused.
    func normalizeEmail(_ email: String) throws(InputError) -> String?

    /// Normalizes a raw phone number.
    ///
    /// - Returns: The value to store and compare, or `nil` (or an empty string) when the field counts as absent.
    /// - Throws: ``InputError/invalidPhoneNumber(reason:)`` when the value is refused.
    func normalizePhoneNumber(_ phoneNumber: String) throws(InputError) -> String?
}

extension NormalizationPolicy where Self == StandardNormalizationPolicy {
    /// Trims, lowercases and validates emails; strips separators from phone numbers and validates them.
    public static var standard: StandardNormalizationPolicy { StandardNormalizationPolicy() }
}

extension NormalizationPolicy where Self == ExactNormalizationPolicy {
    /// Compares values exactly as given; only the rules that hold under every policy apply.
    public static var exact: ExactNormalizationPolicy { ExactNormalizationPolicy() }
}
