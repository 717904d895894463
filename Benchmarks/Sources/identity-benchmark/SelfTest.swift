import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting

/// `--self-test`: checks that what the benchmark measures is right, not how fast it is.
///
/// - The test kit's conformance check on every selected target (`postgres` only when a server
///   is given), so the SQLite baseline reads and persists exactly as the library's stores do (a
///   faster baseline that is wrong would make every ratio meaningless).
/// - The workloads are deterministic and have the documented shape.
/// - One merge appends O(1) bytes to the file store, whatever the size of the demoted group.
/// - `postgres-reference` returns what `postgres` returns and leaves the same groups, on a
///   random workload.
struct SelfTest {
    var options: Options
    var directory: String

    /// Runs every check and prints one line per check; returns the number of failures.
    func run() async -> Int {
        var failures = 0
        func check(_ name: String, _ body: () async throws -> String?) async {
            do {
                if let problem = try await body() {
                    failures += 1
                    print("FAIL \(name): \(problem)")
                } else {
                    print("ok   \(name)")
                }
            } catch let error as TargetUnavailable {
                print("skip \(name): \(error)")
            } catch {
                failures += 1
                print("FAIL \(name): \(error)")
            }
        }

        // The reference is not a store: it is checked against the store below instead.
        for target in options.targets where target != .postgresReference {
            await check("conformance of \(target.rawValue)") {
                if target == .postgres {
                    // Probe once so that no server means a skip rather than a failure; the
                    // stores share one connection pool, and every schema is dropped afterwards.
                    print("     " + (try await PostgresTarget.server()).summary)
                    try await PostgresTarget.withStores { makeStore in
                        try await ContactStoreConformance(makeStore: makeStore).run()
                    }
                    return nil
                }
                let base = directory + "/conformance-\(target.rawValue)"
                let counter = Counter()
                // Probe once so an unavailable target is skipped rather than failed.
                try FileManager.default.createDirectory(atPath: base + "/probe", withIntermediateDirectories: true)
                _ = try await target.open(in: base + "/probe").finish()
                try await ContactStoreConformance {
                    let path = base + "/\(counter.value.add(1, ordering: .relaxed).oldValue)"
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                    return try await target.open(in: path).store
                }.run()
                try? FileManager.default.removeItem(atPath: base)
                return nil
            }
        }

        if options.targets.contains(.postgresReference) {
            await check("postgres-reference answers as postgres") {
                try await PostgresReference.compareWithStore(seed: options.seed)
            }
        }

        await check("workloads are deterministic") {
            for kind in Workload.Kind.allCases {
                let first = Workload.make(kind, requests: 2_000, seed: 7)
                let again = Workload.make(kind, requests: 2_000, seed: 7)
                guard first.requests == again.requests, first.preload == again.preload else {
                    return "\(kind.rawValue) differs between two runs with one seed"
                }
                if kind != .merges && first.requests == Workload.make(kind, requests: 2_000, seed: 8).requests {
                    return "\(kind.rawValue) ignores its seed"
                }
            }
            return nil
        }

        await check("orders has the documented shape") {
            let requests = Workload.make(.orders, requests: 50_000, seed: 7).requests
            let both = requests.filter { $0.email != nil && $0.phoneNumber != nil }.count
            let emailOnly = requests.filter { $0.email != nil && $0.phoneNumber == nil }.count
            let share = (Double(both) / Double(requests.count), Double(emailOnly) / Double(requests.count))
            guard abs(share.0 - 0.6) < 0.02, abs(share.1 - 0.2) < 0.02 else {
                return "both fields \(share.0), email only \(share.1); expected 0.6 and 0.2"
            }
            // Every generated value must pass the standard policy, or the runs would measure errors.
            let resolver = IdentityResolver(store: InMemoryContactStore())
            var outcomes: [String: Int] = [:]
            for request in requests.prefix(5_000) {
                let result = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
                outcomes["\(result.outcome)".prefix { $0 != "(" }.description, default: 0] += 1
            }
            guard outcomes["merged", default: 0] > 0, outcomes["createdSecondary", default: 0] > 0,
                outcomes["unchanged", default: 0] > 0
            else { return "expected merges, secondaries and repeats, got \(outcomes)" }
            return nil
        }

        await check("merges relinks the whole group at every merge") {
            let workload = Workload.make(.merges, requests: 400, seed: 7)
            let store = InMemoryContactStore()
            let resolver = IdentityResolver(store: store)
            var merges = 0
            for request in workload.requests {
                let result = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
                if case .merged = result.outcome { merges += 1 }
            }
            let rows = try await resolver.allContacts()
            let primaries = Set(rows.map(\.primaryID))
            let expectedPrimaries = 201 - merges
            return merges == 100 && primaries.count == expectedPrimaries
                ? nil : "\(merges) merges, \(primaries.count) groups; expected 100 and \(expectedPrimaries)"
        }

        if options.targets.contains(where: \.isFileStore) {
            await check("a merge appends O(1) bytes to the file store") {
                let growth = try await FileStoreTargets.mergeGrowth(
                    groupSizes: [10, options.mergeGroup], directory: directory)
                print("     " + growth.map { "k=\($0.members): \($0.bytesAppended) B" }.joined(separator: ", "))
                guard let small = growth.first, let large = growth.last else { return "no figures" }
                return large.bytesAppended <= small.bytesAppended + 64 && small.bytesAppended > 0
                    ? nil : "appended bytes grow with the group"
            }
        }
        print(failures == 0 ? "self-test passed" : "self-test: \(failures) failure(s)")
        return failures
    }
}
