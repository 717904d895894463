import IdentityReconciliation

/// A store whose every method throws, to show store errors surface as conformance failures.
struct ThrowingStore: ContactStore {
    struct Broken: Error {}

    func read(_ selection: ContactSelection) async throws -> SelectedContacts { throw Broken() }
    func transaction(
        reading selection: ContactSelection, _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt { throw Broken() }
    func contacts(afterID: Int, limit: Int) async throws -> [Contact] { throw Broken() }
    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] { throw Broken() }
    func importContacts(_ contacts: ContactImport) async throws { throw Broken() }
}
