public import IdentityReconciliation

/// The invariants a set of rows breaks.
public struct InvariantFailure: Error, Hashable, CustomStringConvertible {
    /// Every violation found.
    public var violations: [ContactInvariantViolation]

    /// Creates a failure.
    public init(violations: [ContactInvariantViolation]) {
        self.violations = violations
    }

    /// One line per violation.
    public var description: String {
        "\(violations.count) invariant violation(s):\n" + violations.map { "  \($0)" }.joined(separator: "\n")
    }
}
