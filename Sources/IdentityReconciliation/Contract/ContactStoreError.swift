/// Errors that any ``ContactStore`` may throw for misuse of the protocol, and that the
/// library throws when a plan or a store breaks the contract.
///
/// Stores add their own error types for I/O and corruption.
public enum ContactStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``ContactStore/importContacts(_:)`` was called on a store that already holds rows.
    case notEmpty
    /// The rows given to ``ContactImport/init(contacts:links:)`` break the invariants.
    case invalidContacts([ContactInvariantViolation])
    /// A link given to ``ContactImport/init(contacts:links:)`` does not join an email and a
    /// phone number of one group, or is given twice.
    case invalidLink(ContactLink, reason: String)
    /// The plan a transaction decided cannot be applied to the rows it was decided on
    /// without breaking ``ContactInvariants``; see ``ContactPlan/checked(against:)``.
    /// ``ReconciliationRules`` never decide one; a custom `decide` passed to
    /// ``ContactStore/commit(reading:decide:)`` may. Nothing is written.
    case invalidPlan(ContactPlan, reason: String)
    /// The store broke the ``ContactStore`` contract, for example by assigning the wrong
    /// number of ids or by paging backwards; the reason names what it did.
    case contractViolation(String)

    /// A one-line English description.
    public var description: String {
        switch self {
        case .notEmpty:
            "the store already holds contacts; import needs an empty store"
        case .invalidContacts(let violations):
            "the contacts break \(violations.count) invariant(s): "
                + violations.prefix(5).map(\.description).joined(separator: "; ")
        case .invalidLink(let link, let reason):
            "the link \(link.email.debugDescription) – \(link.phoneNumber.debugDescription) cannot be imported: \(reason)"
        case .invalidPlan(let plan, let reason):
            "the decided plan (\(plan)) cannot be applied: \(reason)"
        case .contractViolation(let reason):
            "the store broke the ContactStore contract: \(reason)"
        }
    }
}
