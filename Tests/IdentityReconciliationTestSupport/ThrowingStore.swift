import IdentityReconciliation

/// A store whose every method throws ``Broken``: store errors must surface unchanged
/// (through the resolver, as conformance failures).
package struct ThrowingStore: ContactStore {
    /// The error every method throws.
    package struct Broken: Error, Equatable {
        package init() {}
    }

    package init() {}

    package func read(_ selection: ContactSelection) async throws -> SelectedContacts { throw Broken() }
    package func transaction(
        reading selection: ContactSelection, _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt { throw Broken() }
    package func contacts(afterID: Int, limit: Int) async throws -> [Contact] { throw Broken() }
    package func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] { throw Broken() }
    package func importContacts(_ contacts: ContactImport) async throws { throw Broken() }
}
