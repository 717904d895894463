/// Errors that any ``ContactStore`` may throw for misuse of the protocol.
///
/// Stores add their own error types for I/O and corruption.
public enum ContactStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``ContactStore/importContacts(_:)`` was called on a store that already holds rows.
    case notEmpty
    /// The rows given to ``ContactStore/importContacts(_:)`` break the invariants.
    case invalidContacts([ContactInvariantViolation])
    /// The change a transaction's `decide` returned cannot be applied to the rows it was
    /// decided on without breaking ``ContactInvariants``; see ``ContactChange/check(against:)``.
    /// ``ReconciliationRules`` never decide one; a custom `decide` passed to
    /// ``ContactStore/reconcile(email:phoneNumber:decide:)`` may. Nothing is written.
    case invalidChange(ContactChange, reason: String)

    /// A one-line English description.
    public var description: String {
        switch self {
        case .notEmpty:
            "the store already holds contacts; import needs an empty store"
        case .invalidContacts(let violations):
            "the contacts break \(violations.count) invariant(s): "
                + violations.prefix(5).map(\.description).joined(separator: "; ")
        case .invalidChange(let change, let reason):
            "the decided change \(change) cannot be applied: \(reason)"
        }
    }
}
