/// The default policy: forgiving about formatting, strict about validity.
///
/// Emails: surrounding whitespace is trimmed; the rest is lowercased and must have
/// exactly one `@`, a non-empty local part, a domain of at least two non-empty labels
/// separated by dots, no whitespace or control characters, and at most
/// ``InputLimits/maximumEmailBytes`` UTF-8 bytes.
///
/// Phone numbers: surrounding whitespace is trimmed; spaces, `-`, `.`, `(` and `)` are
/// removed; one leading `+` is kept; what remains must be 1 to
/// ``InputLimits/maximumPhoneNumberDigits`` ASCII digits.
///
/// A value that is blank after trimming counts as absent.
public struct StandardNormalizationPolicy: NormalizationPolicy {
    /// Creates the standard policy.
    public init() {}

    /// Trims, lowercases and validates an email.
    ///
    /// - Throws: ``InputError/invalidEmail(reason:)`` naming the first rule the value breaks.
    public func normalizeEmail(_ email: String) throws(InputError) -> String? {
        let trimmed = TextRules.trimmingWhitespace(email)
        if trimmed.isEmpty { return nil }
        if TextRules.containsControlCharacter(trimmed) { throw .invalidEmail(reason: .controlCharacter) }
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
        let trimmed = TextRules.trimmingWhitespace(phoneNumber)
        if trimmed.isEmpty { return nil }
        if TextRules.containsControlCharacter(trimmed) { throw .invalidPhoneNumber(reason: .controlCharacter) }
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
}
