public import IdentityReconciliation

/// A ``IdentityReconciliation/ContactStore`` whose every method throws one error, as a store
/// on a broken disk or an unreachable server would: for testing how an application reports
/// store failures.
///
/// ```swift
/// struct DiskOnFire: Error {}
/// let resolver = IdentityResolver(store: FailingContactStore(throwing: DiskOnFire()))
/// // Every call of the resolver that reaches the store throws DiskOnFire.
/// ```
///
/// Input the resolver refuses (``IdentityReconciliation/InputError``) is refused before the
/// store is called, so it still throws that error.
public struct FailingContactStore: ContactStore {
    /// The error every method throws.
    public let error: any Error & Sendable

    /// Creates a store whose every method throws `error`.
    public init(throwing error: any Error & Sendable) {
        self.error = error
    }

    /// Throws ``error``.
    public func read(_ selection: ContactSelection) async throws -> SelectedContacts { throw error }

    /// Throws ``error`` without calling `plan`.
    public func transaction(
        reading selection: ContactSelection, _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt { throw error }

    /// Throws ``error``.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] { throw error }

    /// Throws ``error``.
    public func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] { throw error }

    /// Throws ``error``.
    public func importContacts(_ contacts: ContactImport) async throws { throw error }
}
