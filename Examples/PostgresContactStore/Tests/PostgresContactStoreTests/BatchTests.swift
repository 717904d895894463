import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

@testable import PostgresContactStore

/// Concurrent identifies share round trips: their reads and their writes travel in batches,
/// each write as if it ran alone.
@Suite("Batched identifies", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct BatchTests {
    static let now = Date(timeIntervalSince1970: 1_600_000_000)

    /// Many callers on overlapping values: fewer batches than calls, and the groups of a
    /// replay one request after another. With a threshold that no number of callers
    /// exceeds, nothing is batched.
    @Test(arguments: [0, Int.max])
    func concurrentIdentifiesShareBatches(threshold: Int) async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(
                client, options: PostgresContactStoreOptions(timeout: .seconds(60), batchingThreshold: threshold))
            let resolver = IdentityResolver(store: store)
            let requests = (0..<256).map { index in
                (email: Optional("e\(index % 37)@x.io"), phoneNumber: Optional("\(index % 23)"))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<64 {
                    group.addTask {
                        for index in stride(from: worker, to: requests.count, by: 64) {
                            _ = try await resolver.identify(
                                email: requests[index].email, phoneNumber: requests[index].phoneNumber)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let reads = store.batchedReads.counts
            let writes = store.batchedWrites.counts
            if threshold == 0 {
                #expect(reads.calls >= requests.count)
                #expect(reads.batches < reads.calls, "\(reads)")
                #expect(writes.batches < writes.calls, "\(writes)")
            } else {
                #expect(reads.calls == 0 && writes.calls == 0)
            }
            try await TestDatabase.expectGroupsOfReplay(store, requests)
        }
    }

    /// In one batch, the second of two identifies that both found nothing sees the first's
    /// row: its selection has changed, so it writes nothing (it then runs alone and links).
    @Test func aWriteSeesTheWritesBeforeItInItsBatch() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let selections: [ContactSelection] = [
                .matching(email: "a@x.io", phoneNumber: "1"), .matching(email: "a@x.io", phoneNumber: "2"),
            ]
            let deadline = ContinuousClock.now + .seconds(30)
            let reads = try await store.readMany(selections, until: deadline).map { try $0.get() }
            var writes: [PostgresContactStore.BatchedWrite] = []
            for (selection, read) in zip(selections, reads) {
                #expect(read.selected.rows.isEmpty)
                let plan = try ReconciliationRules.decide(
                    email: selection.email, phoneNumber: selection.phoneNumber, matched: read.selected.rows,
                    now: Self.now
                ).checked(against: read.selected)
                writes.append(
                    .init(
                        selection: selection, fingerprint: try read.requiredFingerprint(),
                        keys: PostgresContactStore.readKeys(selection, read.selected)
                            .union(PostgresContactStore.writeKeys(plan)), plan: plan))
            }
            let outcomes = try await store.applyMany(writes, until: deadline).map { try $0.get() }
            guard case .written(let ids) = outcomes[0], case .selectionChanged = outcomes[1] else {
                Issue.record("outcomes: \(outcomes)")
                return
            }
            #expect(ids.count == 1)
            #expect(try await store.contacts(afterID: 0, limit: 10).map(\.id) == ids)
        }
    }

    /// A write the server refuses (text holding a NUL byte) fails its batch; the batch's
    /// other writes are not failed with it but run alone.
    @Test func oneRefusedWriteDoesNotFailTheOthers() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let deadline = ContinuousClock.now + .seconds(30)
            let selections: [ContactSelection] = [
                .matching(email: "a@x.io", phoneNumber: nil), .matching(email: "b@x.io", phoneNumber: nil),
            ]
            let reads = try await store.readMany(selections, until: deadline).map { try $0.get() }
            var writes: [PostgresContactStore.BatchedWrite] = []
            for (selection, read) in zip(selections, reads) {
                let email = selection.email == "b@x.io" ? "b\u{0}@x.io" : selection.email
                let plan = try ContactPlan([
                    .insert(email: email, phoneNumber: nil, linkedId: nil, createdAt: Self.now)
                ]).checked(against: read.selected)
                writes.append(
                    .init(
                        selection: selection, fingerprint: try read.requiredFingerprint(),
                        keys: PostgresContactStore.writeKeys(plan), plan: plan))
            }
            let outcomes = await store.applyMany(writes, until: deadline)
            for outcome in outcomes {
                guard case .success(.runAlone) = outcome else {
                    Issue.record("outcome: \(outcome)")
                    continue
                }
            }
            // Alone, the refused one fails with the server's error and the other is written.
            let alone = await store.applyMany([writes[1]], until: deadline)
            guard case .failure(let error) = alone[0], case .server? = error as? PostgresContactStoreError else {
                Issue.record("alone: \(alone)")
                return
            }
            #expect(try await store.contacts(afterID: 0, limit: 10).isEmpty)
            let written = await store.applyMany([writes[0]], until: deadline)
            guard case .success(.written(let ids)) = written[0] else {
                Issue.record("written: \(written)")
                return
            }
            #expect(try await store.contacts(afterID: 0, limit: 10).map(\.email) == ["a@x.io"])
            #expect(ids.count == 1)
        }
    }
}
