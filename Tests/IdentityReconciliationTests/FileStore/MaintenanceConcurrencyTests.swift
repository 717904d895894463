import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// `sync()`, `verify()`, `compact()` and `close()` while identifies are in flight: every
/// waiting caller is answered, and the file holds what memory holds.
@Suite("File store maintenance under load")
struct MaintenanceConcurrencyTests {
    @Test(arguments: FileContactStore.Durability.allCases)
    func maintenanceDuringIdentifies(durability: FileContactStore.Durability) async throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file(), durability: durability)
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 0.001))
        var random = SplitMix64(seed: 17)
        let requests = (0..<1_200).map { _ in random.request(emails: 80, phones: 80) }
        async let writing: Void = identifyConcurrently(requests, workers: 8, on: resolver)
        for round in 0..<12 {
            switch round % 3 {
            case 0: try store.sync()
            case 1: try store.verify()
            default: try store.compact()
            }
            await Task.yield()
        }
        try await writing
        try store.verify()
        let rows = try await store.allRows()
        try InvariantChecker.check(rows)
        try store.close()
        let reopened = try FileContactStore(path: directory.file())
        #expect(try await reopened.allRows() == rows)
        try reopened.close()
    }

    /// Closing while grouped identifies wait for their sync answers them all.
    @Test func closeAnswersWaitingCallers() async throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file(), durability: .grouped)
        let resolver = IdentityResolver(store: store)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    do {
                        _ = try await resolver.identify(email: "p\(index)@x.io", phoneNumber: nil)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            group.addTask {
                try? store.close()
                return true
            }
            var results: [Bool] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.count == 65)
        let reopened = try FileContactStore(path: directory.file())
        let rows = try await reopened.allRows()
        // Every identify that returned is in the file.
        #expect(rows.count >= results.count(where: { $0 }) - 1)
        try reopened.close()
    }
}
