import IdentityReconciliation

/// The input policies a command can use (`--policy`).
enum PolicyChoice: String, CaseIterable {
    /// ``StandardNormalizationPolicy``.
    case standard
    /// ``ExactNormalizationPolicy``.
    case exact

    /// The policy itself.
    var policy: any NormalizationPolicy {
        switch self {
        case .standard: StandardNormalizationPolicy()
        case .exact: ExactNormalizationPolicy()
        }
    }

    static let option = CommandSpec.Option(
        name: "policy", valueName: "POLICY",
        help: "How emails and phone numbers are normalized; standard by default. Use one policy per store.",
        choices: allCases.map(\.rawValue))
}
