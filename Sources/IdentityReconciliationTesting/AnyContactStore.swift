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

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/read(_:)``.
    public func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        try await base.read(selection)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/transaction(reading:_:)``.
    public func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        try await base.transaction(reading: selection, plan)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/contacts(afterID:limit:)``.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        try await base.contacts(afterID: afterID, limit: limit)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/links(after:limit:)``.
    public func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        try await base.links(after: after, limit: limit)
    }

    /// Forwards to the wrapped store's ``IdentityReconciliation/ContactStore/importContacts(_:)``.
    public func importContacts(_ contacts: ContactImport) async throws {
        try await base.importContacts(contacts)
    }
}
