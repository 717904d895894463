/// The default policy: forgiving about formatting, strict about validity.
///
/// Emails: surrounding whitespace (Unicode White_Space) is trimmed; the rest is lowercased
/// and must have exactly one `@`, a non-empty local part, a domain of at least two non-empty
/// labels separated by dots, no whitespace, no control characters, no invisible characters
/// (see below), and at most ``InputLimits/maximumEmailBytes`` UTF-8 bytes.
///
/// Phone numbers: surrounding whitespace is trimmed; spaces, `-`, `.`, `(` and `)` are
/// removed; one leading `+` is kept; what remains must be 1 to
/// ``InputLimits/maximumPhoneNumberDigits`` ASCII digits.
///
/// Invisible characters are refused in both, with ``InputError/Reason/invisibleCharacter(_:)``
/// naming the first: every format character (Unicode general category Cf: U+200B ZERO WIDTH
/// SPACE, U+200C and U+200D, U+2060 WORD JOINER, U+FEFF, U+00AD SOFT HYPHEN, the
/// bidirectional controls U+200E, U+200F and U+202A–U+202E, U+2066–U+2069, …) and U+034F
/// COMBINING GRAPHEME JOINER. They are not whitespace, so trimming keeps them, and with them
/// `zw\u{200B}sp@x.com` and `zwsp@x.com` would be two people who look the same.
///
/// A value that is blank after trimming counts as absent.
public struct StandardNormalizationPolicy: NormalizationPolicy {
    /// Creates the standard policy.
    public init() {}

    /// Trims, lowercases and validates an email.
    ///
    /// - Throws: ``InputError/invalidEmail(reason:)`` naming the first rule the value breaks.
    public func normalizeEmail(_ email: String) throws(InputError) -> String? {
        if let valid = Self.validASCIIEmail(email) { return valid }
        let trimmed = TextRules.trimmingWhitespace(email)
        if trimmed.isEmpty { return nil }
        if TextRules.containsControlCharacter(trimmed) { throw .invalidEmail(reason: .controlCharacter) }
        if let invisible = Self.firstInvisibleCharacter(trimmed) {
            throw .invalidEmail(reason: .invisibleCharacter(invisible))
        }
        let lowered = trimmed.lowercased()
        if TextRules.containsWhitespace(lowered) {
            throw .invalidEmail(reason: .whitespace)
        }
        if lowered.utf8.count > InputLimits.maximumEmailBytes {
            throw .invalidEmail(reason: .tooLong(limit: InputLimits.maximumEmailBytes))
        }
        let parts = lowered.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { throw .invalidEmail(reason: .missingAtSign) }
        guard parts.count == 2 else { throw .invalidEmail(reason: .multipleAtSigns) }
        guard !parts[0].isEmpty else { throw .invalidEmail(reason: .emptyLocalPart) }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else {
            throw .invalidEmail(reason: .invalidDomain)
        }
        return lowered
    }

    /// Strips separators from a phone number and validates what remains.
    ///
    /// - Throws: ``InputError/invalidPhoneNumber(reason:)`` naming the first rule the value breaks.
    public func normalizePhoneNumber(_ phoneNumber: String) throws(InputError) -> String? {
        if let valid = Self.validASCIIPhoneNumber(phoneNumber) { return valid }
        let trimmed = TextRules.trimmingWhitespace(phoneNumber)
        if trimmed.isEmpty { return nil }
        if TextRules.containsControlCharacter(trimmed) { throw .invalidPhoneNumber(reason: .controlCharacter) }
        if let invisible = Self.firstInvisibleCharacter(trimmed) {
            throw .invalidPhoneNumber(reason: .invisibleCharacter(invisible))
        }
        var result = ""
        result.reserveCapacity(trimmed.utf8.count)
        var digits = 0
        for character in trimmed {
            switch character {
            case " ", "-", ".", "(", ")":
                continue
            case "+" where result.isEmpty && digits == 0:
                result.append("+")
            case "0"..."9" where character.isASCII:
                digits += 1
                result.append(character)
            default:
                throw .invalidPhoneNumber(reason: .invalidCharacter(character))
            }
        }
        guard digits > 0 else { throw .invalidPhoneNumber(reason: .noDigits) }
        guard digits <= InputLimits.maximumPhoneNumberDigits else {
            throw .invalidPhoneNumber(reason: .tooManyDigits(limit: InputLimits.maximumPhoneNumberDigits))
        }
        return result
    }

    /// The first format character (general category Cf) or U+034F COMBINING GRAPHEME JOINER
    /// in the text, or `nil`. Only the general path calls it: ASCII has neither.
    private static func firstInvisibleCharacter(_ text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { $0.properties.generalCategory == .format || $0.value == 0x034F }
    }

    /// The normalized email when `email` is printable ASCII that passes every rule as it
    /// is (no trimming needed); otherwise `nil`, and the general path decides, so errors
    /// are reported the same way. One pass over the bytes: most real values take this path,
    /// and it avoids the Unicode property lookups and allocations of the general one.
    private static func validASCIIEmail(_ email: String) -> String? {
        let (isValid, hasUppercase) = TextRules.withUTF8(email) { bytes in
            var atPosition = -1
            var hasUppercase = false
            var previous: UInt8 = 0
            var domainDots = 0
            for (position, byte) in bytes.enumerated() {
                switch byte {
                case UInt8(ascii: "@"):
                    guard atPosition < 0, position > 0 else { return (false, false) }
                    atPosition = position
                case UInt8(ascii: "."):
                    if atPosition >= 0 {
                        // A domain label may not be empty: no dot right after '@' or after a dot.
                        guard previous != UInt8(ascii: "@"), previous != UInt8(ascii: ".") else {
                            return (false, false)
                        }
                        domainDots += 1
                    }
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    hasUppercase = true
                case 0x21...0x7E:
                    break
                default:
                    return (false, false)  // whitespace, control characters and non-ASCII take the general path
                }
                previous = byte
            }
            let isValid =
                atPosition > 0 && domainDots > 0 && previous != UInt8(ascii: ".") && previous != UInt8(ascii: "@")
                && bytes.count <= InputLimits.maximumEmailBytes
            return (isValid, hasUppercase)
        }
        guard isValid else { return nil }
        guard hasUppercase else { return email }
        return String(decoding: email.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The normalized phone number when `phoneNumber` is ASCII made only of digits, the
    /// removed separators and a `+` before any digit, and passes every rule; otherwise `nil`,
    /// and the general path decides (and reports any error).
    private static func validASCIIPhoneNumber(_ phoneNumber: String) -> String? {
        // Counts first and copies only when there are separators to remove: most values
        // arrive without them, and returning the input then allocates nothing.
        let counts = TextRules.withUTF8(phoneNumber) { bytes -> (digits: Int, kept: Int)? in
            var digits = 0
            var kept = 0
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    digits += 1
                    kept += 1
                case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                    continue
                case UInt8(ascii: "+") where kept == 0:
                    kept += 1
                default:
                    return nil
                }
            }
            return (digits, kept)
        }
        guard let (digits, kept) = counts, digits > 0, digits <= InputLimits.maximumPhoneNumberDigits else {
            return nil
        }
        if kept == phoneNumber.utf8.count { return phoneNumber }
        return String(unsafeUninitializedCapacity: kept) { buffer in
            var count = 0
            for byte in phoneNumber.utf8 where (0x30...0x39).contains(byte) || byte == UInt8(ascii: "+") {
                buffer[count] = byte
                count += 1
            }
            return count
        }
    }
}
