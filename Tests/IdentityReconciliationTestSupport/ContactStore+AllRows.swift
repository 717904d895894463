import IdentityReconciliation

extension ContactStore {
    /// Every row, soft-deleted ones included, in id order.
    package func allRows() async throws -> [Contact] {
        try await contacts(afterID: 0, limit: .max)
    }
}
