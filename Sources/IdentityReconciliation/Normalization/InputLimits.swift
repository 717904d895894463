/// Limits that hold under every ``NormalizationPolicy``, checked on the raw value before the policy runs.
public enum InputLimits {
    /// The longest email accepted, in UTF-8 bytes (the SMTP limit for a forward path).
    public static let maximumEmailBytes = 254
    /// The longest phone number accepted, in characters, before separators are removed.
    public static let maximumPhoneNumberCharacters = 32
    /// The most digits a phone number may keep under ``StandardNormalizationPolicy`` (E.164).
    public static let maximumPhoneNumberDigits = 15
}
