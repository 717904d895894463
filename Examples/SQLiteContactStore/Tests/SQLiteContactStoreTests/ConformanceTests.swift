import IdentityReconciliation
import IdentityReconciliationTesting
import SQLiteContactStore
import Synchronization
import Testing

@Suite("Conformance")
struct ConformanceTests {
    /// The test kit's check, on a new database per scenario, at both sync levels.
    @Test(arguments: [SQLiteContactStore.Synchronous.full, .normal])
    func conformance(synchronous: SQLiteContactStore.Synchronous) async throws {
        let databases = Mutex<[TemporaryDatabase]>([])
        try await ContactStoreConformance {
            let database = try TemporaryDatabase()
            databases.withLock { $0.append(database) }
            return try SQLiteContactStore(path: database.path, synchronous: synchronous)
        }.run()
    }

    /// What one store wrote, another store on the same file reads.
    @Test func reopenedStoreReadsTheSameRows() async throws {
        let database = try TemporaryDatabase()
        let first = IdentityResolver(store: try SQLiteContactStore(path: database.path), clock: ManualClock(step: 1))
        _ = try await first.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        _ = try await first.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
        let rows = try await first.allContacts()

        let reopened = try SQLiteContactStore(path: database.path)
        #expect(try await reopened.contacts(afterID: 0, limit: 10) == rows)
        let next = try await IdentityResolver(store: reopened).identify(email: "doc@hillvalley.edu", phoneNumber: nil)
        #expect(next.outcome == .createdPrimary(contactID: 3))
    }
}
