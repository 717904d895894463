public import IdentityReconciliation

/// A ``IdentityReconciliation/ContactStore`` that forwards to any other store, so code that picks a store at run
/// time (a test parameterised over store kinds, a tool with a `--store` flag) can still
/// build one ``IdentityReconciliation/IdentityResolver`` type.
///
/// Every method forwards unchanged: the wrapped store's guarantees and errors are this store's.
public struct AnyContactStore: ContactStore {
    /// The wrapped store.
    public let base: any ContactStore

    /// Wraps a store.
    public init(_ base: any ContactStore) { self.base = base }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/reconcile(email:phoneNumber:decide:)``.
    public func reconcile(
        email: String?, phoneNumber: String?, decide: @Sendable ([Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit {
        try await base.reconcile(email: email, phoneNumber: phoneNumber, decide: decide)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/rows(matchingEmail:phoneNumber:)``.
    public func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] {
        try await base.rows(matchingEmail: email, phoneNumber: phoneNumber)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/group(containingContactID:)``.
    public func group(containingContactID id: Int) async throws -> [Contact] {
        try await base.group(containingContactID: id)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/contacts(afterID:limit:)``.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        try await base.contacts(afterID: afterID, limit: limit)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/importContacts(_:)``.
    public func importContacts(_ contacts: [Contact]) async throws {
        try await base.importContacts(contacts)
    }
}
