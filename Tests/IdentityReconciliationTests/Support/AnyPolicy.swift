import IdentityReconciliation
import Testing

/// A policy chosen in a test's arguments, with a readable name.
struct AnyPolicy: NormalizationPolicy, CustomTestStringConvertible {
    let base: any NormalizationPolicy

    init(_ base: some NormalizationPolicy) { self.base = base }

    var isExact: Bool { base is ExactNormalizationPolicy }

    var testDescription: String { String(describing: type(of: base)) }

    func normalizeEmail(_ email: String) throws(InputError) -> String? { try base.normalizeEmail(email) }

    func normalizePhoneNumber(_ phoneNumber: String) throws(InputError) -> String? {
        try base.normalizePhoneNumber(phoneNumber)
    }
}
