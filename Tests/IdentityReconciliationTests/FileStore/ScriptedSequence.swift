import Glibc
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// A scripted sequence of store operations (identifies with links and merges, an explicit
/// compaction, automatic compactions, syncs, close) run against a store on a given file
/// system, and the checks that the store reopened afterwards holds every acknowledged change.
struct ScriptedSequence: Sendable {
    static let storeName = "contacts.store"

    let durability: FileContactStore.Durability
    let requests: [(email: String?, phoneNumber: String?)]
    /// `states[k]`: the rows after the first `k` requests, from the in-memory store.
    let states: [[Contact]]

    var options: FileContactStore.Options {
        var options = FileContactStore.Options(durability: durability)
        // Small steps, so the sequence preallocates and compacts automatically several times.
        options.preallocationBytes = 4_096
        options.compactionMinimumBytes = 1_500
        options.compactionRatio = 1
        options.writeBufferBytes = 300
        return options
    }

    init(durability: FileContactStore.Durability, count: Int = 60, seed: UInt64 = 7) async throws {
        self.durability = durability
        var random = SplitMix64(seed: seed)
        let requests = (0..<count).map { _ in random.request(emails: 25, phones: 25) }
        self.requests = requests
        let reference = IdentityResolver(store: InMemoryContactStore(), clock: ManualClock(step: 1))
        var states: [[Contact]] = [[]]
        for request in requests {
            _ = try await reference.identify(email: request.email, phoneNumber: request.phoneNumber)
            states.append(try await reference.store.allRows())
        }
        self.states = states
    }

    /// What happened when the sequence ran.
    struct Outcome {
        /// Requests whose changes the store promised to keep (returned, and under deferred
        /// durability covered by a returned sync, compaction or close).
        var acknowledged = 0
        /// Requests started (the last may have failed).
        var started = 0
        /// The first error thrown, which stopped the sequence.
        var error: (any Error)?
        /// The store, when it was opened (for checks after a failure).
        var store: FileContactStore?
    }

    /// Runs the sequence; stops at the first error.
    func run(on fileSystem: any FileSystem, directory: String) async -> Outcome {
        var outcome = Outcome()
        do {
            let store = try FileContactStore(
                path: directory + "/" + Self.storeName, options: options, fileSystem: fileSystem)
            outcome.store = store
            let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
            var returned = 0
            for (index, request) in requests.enumerated() {
                outcome.started = index + 1
                _ = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
                returned = index + 1
                if durability != .deferred { outcome.acknowledged = returned }
                if index == requests.count / 2 {
                    try store.compact()
                    outcome.acknowledged = returned
                }
                if index % 7 == 6 {
                    try store.sync()
                    outcome.acknowledged = returned
                }
            }
            try store.close()
            outcome.acknowledged = returned
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// Reopens the store and checks it: it opens, it holds the rows of the first `k`
    /// requests for some `acknowledged ≤ k ≤ started`, the invariants hold and it verifies.
    ///
    /// - Returns: A description of what is wrong, or `nil`.
    func check(reopeningOn fileSystem: any FileSystem, directory: String, outcome: Outcome) async -> String? {
        let store: FileContactStore
        do {
            store = try FileContactStore(
                path: directory + "/" + Self.storeName, options: options, fileSystem: fileSystem)
        } catch {
            return "reopening failed: \(error)"
        }
        defer { try? store.close() }
        do {
            let rows = try await store.allRows()
            let matches = states.indices.filter { states[$0] == rows }
            guard !matches.isEmpty else {
                return "the reopened rows (\(rows.count)) are not the state after any prefix of the requests"
            }
            guard matches.contains(where: { $0 >= outcome.acknowledged && $0 <= outcome.started }) else {
                return "the reopened store holds the changes of \(matches) requests, but \(outcome.acknowledged) "
                    + "were acknowledged and \(outcome.started) started"
            }
            try InvariantChecker.check(rows)
            try store.verify()
        } catch {
            return "checking the reopened store failed: \(error)"
        }
        return nil
    }
}
