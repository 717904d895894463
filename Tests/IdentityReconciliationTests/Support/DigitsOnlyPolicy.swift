import IdentityReconciliation

/// A custom policy for tests: lowercases emails, keeps only the digits of phone numbers,
/// and has a few trigger values that exercise the rules every policy is held to.
struct DigitsOnlyPolicy: NormalizationPolicy {
    func normalizeEmail(_ email: String) throws(InputError) -> String? {
        switch email {
        case "n/a": return ""  // absent
        case "reject": throw .invalidEmail(reason: .missingAtSign)
        case "bell": return "bell\u{7}@x.io"  // a control character the resolver must refuse
        case "decompose@x.io": return "de\u{301}compose@x.io"  // not NFC
        default: return email.lowercased()
        }
    }

    func normalizePhoneNumber(_ phoneNumber: String) throws(InputError) -> String? {
        let digits = phoneNumber.filter { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { throw .invalidPhoneNumber(reason: .noDigits) }
        return digits
    }
}
