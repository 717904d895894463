import ArgumentParser
import IdentityReconciliation

/// The input policies a command can use (`--policy`).
enum PolicyChoice: String, CaseIterable, ExpressibleByArgument {
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
}

/// `--policy`, for the commands that normalize values.
struct PolicyOption: ParsableArguments {
    @Option(help: "How emails and phone numbers are normalized. Use one policy per store.")
    var policy: PolicyChoice = .standard
}
