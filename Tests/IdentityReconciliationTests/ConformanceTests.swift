import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

/// The store kinds every shared test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case inMemory

    var testDescription: String { rawValue }

    func makeStore() throws -> any ContactStore {
        switch self {
        case .inMemory: InMemoryContactStore()
        }
    }
}

@Suite("Conformance")
struct ConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func conformance(kind: StoreKind) async throws {
        try await ContactStoreConformance { try kind.makeStore() }.run()
    }
}
