import IdentityReconciliation

/// A store whose every method throws, to show store errors surface as conformance failures.
struct ThrowingStore: ContactStore {
    struct Broken: Error {}

    func reconcile(
        email: String?, phoneNumber: String?, decide: @Sendable ([Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit { throw Broken() }
    func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] { throw Broken() }
    func group(containingContactID id: Int) async throws -> [Contact] { throw Broken() }
    func contacts(afterID: Int, limit: Int) async throws -> [Contact] { throw Broken() }
    func importContacts(_ contacts: [Contact]) async throws { throw Broken() }
}
