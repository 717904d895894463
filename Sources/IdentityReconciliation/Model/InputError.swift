/// Why a request was refused before anything was read or written.
///
/// Thrown by ``IdentityResolver`` and by every ``NormalizationPolicy``. The case says
/// which field is at fault and ``Reason`` says why, so the error reads well in a log and
/// maps directly onto an API error body (see ``code`` and ``field``).
public enum InputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why a value was refused.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The value is longer than the limit (UTF-8 bytes for emails, characters for phone numbers).
        case tooLong(limit: Int)
        /// The value contains a control character (U+0000–U+001F, U+007F–U+009F).
        case controlCharacter
        /// The value contains whitespace inside it.
        case whitespace
        /// The value contains an invisible character that would make two values that look
        /// the same differ: a format character (Unicode general category Cf, such as U+200B
        /// ZERO WIDTH SPACE, U+FEFF, U+00AD SOFT HYPHEN, U+202E RIGHT-TO-LEFT OVERRIDE, U+2060
        /// WORD JOINER) or U+034F COMBINING GRAPHEME JOINER. The first one found is kept.
        case invisibleCharacter(Unicode.Scalar)
        /// The email has no `@`.
        case missingAtSign
        /// The email has more than one `@`.
        case multipleAtSigns
        /// The email has nothing before the `@`.
        case emptyLocalPart
        /// The email's domain is empty, has no inner dot, or has an empty label.
        case invalidDomain
        /// The phone number contains a character other than digits, separators and one leading `+`.
        case invalidCharacter(Character)
        /// The phone number has no digits.
        case noDigits
        /// The phone number has more digits than the limit.
        case tooManyDigits(limit: Int)
        /// The text is not valid UTF-8 (only raised by decoders that see raw bytes).
        case invalidUTF8
        /// The value is empty after normalization, where a value is required (a correction
        /// naming the value to forget).
        case blank

        /// A short English explanation.
        public var description: String {
            switch self {
            case .tooLong(let limit): "is longer than the limit of \(limit)"
            case .controlCharacter: "contains a control character"
            case .whitespace: "contains whitespace"
            case .invisibleCharacter(let scalar): "contains the invisible character \(Self.codePoint(scalar))"
            case .missingAtSign: "has no '@'"
            case .multipleAtSigns: "has more than one '@'"
            case .emptyLocalPart: "has nothing before the '@'"
            case .invalidDomain: "has an invalid domain (it needs a dot between non-empty labels)"
            case .invalidCharacter(let character): "contains the character \(character.debugDescription)"
            case .noDigits: "has no digits"
            case .tooManyDigits(let limit): "has more than \(limit) digits"
            case .invalidUTF8: "is not valid UTF-8"
            case .blank: "is blank"
            }
        }

        /// `U+200B`.
        private static func codePoint(_ scalar: Unicode.Scalar) -> String {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// Neither an email nor a phone number was given (after normalization: blank means absent).
    case missingEmailAndPhoneNumber
    /// The email was refused by the policy.
    case invalidEmail(reason: Reason)
    /// The phone number was refused by the policy.
    case invalidPhoneNumber(reason: Reason)
    /// Every value the request gave is blocked (see ``BlockedValues``): the values, in
    /// request order (email first), with their reasons. Nothing was read or written.
    case allValuesBlocked([IgnoredValue])

    /// A stable, machine-readable code: `missing_email_and_phone_number`, `invalid_email`,
    /// `invalid_phone_number` or `blocked_value`.
    public var code: String {
        switch self {
        case .missingEmailAndPhoneNumber: "missing_email_and_phone_number"
        case .invalidEmail: "invalid_email"
        case .invalidPhoneNumber: "invalid_phone_number"
        case .allValuesBlocked: "blocked_value"
        }
    }

    /// The request field at fault: `email`, `phoneNumber`, or `nil` when it is the request
    /// as a whole. For ``allValuesBlocked(_:)``, the first blocked field.
    public var field: String? {
        switch self {
        case .missingEmailAndPhoneNumber: nil
        case .invalidEmail: "email"
        case .invalidPhoneNumber: "phoneNumber"
        case .allValuesBlocked(let ignored): ignored.first?.field.rawValue
        }
    }

    /// A one-line English message naming the field and the reason.
    public var description: String {
        switch self {
        case .missingEmailAndPhoneNumber: "the request has neither an email nor a phone number"
        case .invalidEmail(let reason): "email \(reason)"
        case .invalidPhoneNumber(let reason): "phoneNumber \(reason)"
        case .allValuesBlocked(let ignored):
            ignored.map(\.description).joined(separator: " and ") + ", and the request has no other value"
        }
    }
}
