import IdentityReconciliation

/// Wraps an existential store so a test can build an ``IdentityResolver`` over any ``StoreKind``.
struct AnyContactStore: ContactStore {
    let base: any ContactStore

    init(_ base: any ContactStore) { self.base = base }

    func reconcile(
        email: String?, phoneNumber: String?, decide: @Sendable ([Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit {
        try await base.reconcile(email: email, phoneNumber: phoneNumber, decide: decide)
    }

    func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] {
        try await base.rows(matchingEmail: email, phoneNumber: phoneNumber)
    }

    func group(containingContactID id: Int) async throws -> [Contact] {
        try await base.group(containingContactID: id)
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        try await base.contacts(afterID: afterID, limit: limit)
    }

    func importContacts(_ contacts: [Contact]) async throws {
        try await base.importContacts(contacts)
    }
}
