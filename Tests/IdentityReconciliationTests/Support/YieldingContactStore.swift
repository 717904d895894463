import IdentityReconciliation

/// A store that suspends before and after each of its base's calls, as a remote store does:
/// many tasks then interleave between any two calls, so a decision taken outside one
/// transaction would act on rows that changed meanwhile.
struct YieldingContactStore: ContactStore {
    let base: any ContactStore

    func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        await Task.yield()
        let selected = try await base.read(selection)
        await Task.yield()
        return selected
    }

    func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        await Task.yield()
        let receipt = try await base.transaction(reading: selection, plan)
        await Task.yield()
        return receipt
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        try await base.contacts(afterID: afterID, limit: limit)
    }

    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        try await base.links(after: after, limit: limit)
    }

    func importContacts(_ contacts: ContactImport) async throws {
        try await base.importContacts(contacts)
    }
}
