import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Synchronization
import Testing

@testable import IdentityReconciliation

@Suite("File store conformance")
struct FileStoreConformanceTests {
    @Test(arguments: FileContactStore.Durability.allCases)
    func conformance(durability: FileContactStore.Durability) async throws {
        let directory = try TemporaryDirectory()
        let counter = Atomic<Int>(0)
        try await ContactStoreConformance {
            let index = counter.add(1, ordering: .relaxed).newValue
            return try FileContactStore(path: directory.file("store-\(index)"), durability: durability)
        }.run()
    }

    /// Every scenario but the concurrent ones through a store that is closed and reopened
    /// every few calls, checking that the rows read back equal.
    @Test(arguments: FileContactStore.Durability.allCases)
    func conformanceWithReopening(durability: FileContactStore.Durability) async throws {
        let directory = try TemporaryDirectory()
        let counter = Atomic<Int>(0)
        let conformance = ContactStoreConformance {
            let index = counter.add(1, ordering: .relaxed).newValue
            return try ReopeningStore(path: directory.file("store-\(index)"), durability: durability)
        }
        for scenario in ContactStoreConformance.scenarios where !scenario.name.hasPrefix("concurrent") {
            try await conformance.run(scenario)
        }
    }
}

/// A ``ContactStore`` that closes and reopens its file store after every few identifies
/// (and after imports) and checks that the rows read back are the rows it had. For
/// sequential use only.
final class ReopeningStore: ContactStore {
    private let path: String
    private let durability: FileContactStore.Durability
    // The library's lock, which ThreadSanitizer builds replace with one it understands.
    private let store: StoreLock<FileContactStore>
    private let calls = Atomic<Int>(0)
    /// Reopens after this many identifies.
    static let interval = 7

    init(path: String, durability: FileContactStore.Durability) throws {
        self.path = path
        self.durability = durability
        store = StoreLock(try FileContactStore(path: path, durability: durability))
    }

    private var current: FileContactStore { store.withLock { $0 } }

    private func reopen() async throws {
        let old = current
        let before = try await old.allRows()
        try old.close()
        let reopened = try FileContactStore(path: path, durability: durability)
        #expect(reopened.recovery == nil)
        let after = try await reopened.allRows()
        #expect(after == before, "rows read back differ after reopening")
        try reopened.verify()
        store.withLock { $0 = reopened }
    }

    func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        try await current.read(selection)
    }

    func transaction(
        reading selection: ContactSelection, _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        let receipt = try await current.transaction(reading: selection, plan)
        if calls.add(1, ordering: .relaxed).newValue % Self.interval == 1 {
            try await reopen()
        }
        return receipt
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        try await current.contacts(afterID: afterID, limit: limit)
    }

    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        try await current.links(after: after, limit: limit)
    }

    func importContacts(_ contacts: ContactImport) async throws {
        do {
            try await current.importContacts(contacts)
        } catch {
            try await reopen()
            throw error
        }
        try await reopen()
    }
}
