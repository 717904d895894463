import Foundation
import IdentityReconciliation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

/// The store kinds every shared test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case inMemory
    /// A ``FileContactStore`` with the default durability, in a new file.
    case file

    var testDescription: String { rawValue }

    func makeStore() throws -> any ContactStore {
        switch self {
        case .inMemory: InMemoryContactStore()
        case .file: try FileContactStore(path: Self.newStorePath())
        }
    }

    /// Files of `.file` stores live in one directory per test process, removed when the
    /// process exits: a store made here has no owner that could remove its file earlier.
    private static let directory: TemporaryDirectory = {
        let directory = try! TemporaryDirectory()
        atexit { try? FileManager.default.removeItem(atPath: StoreKind.directory.path) }
        return directory
    }()

    private static func newStorePath() -> String {
        directory.file("\(UUID().uuidString).store")
    }
}

@Suite("Conformance")
struct ConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func conformance(kind: StoreKind) async throws {
        try await ContactStoreConformance { try kind.makeStore() }.run()
    }
}
