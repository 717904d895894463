import IdentityReconciliation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

/// Many concurrent identifies on one shared resolver stay linearizable.
@Suite("Concurrency")
struct ConcurrencyTests {
    @Test(
        "12,000 concurrent identifies give the groups of a sequential replay, with no duplicate and one primary per group",
        arguments: StoreKind.allCases, [(UInt64(1), 100), (UInt64(2), 400)])
    func concurrentIdentifies(kind: StoreKind, workload: (seed: UInt64, clusters: Int)) async throws {
        let requests = Requests.clustered(count: 12_000, seed: workload.seed, clusters: workload.clusters)
        let problems = try await Self.problems(store: try kind.makeStore(), requests: requests, workers: 48)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }

    @Test(
        "deletes, forgets and erases running alongside 6,000 identifies keep every invariant, the evidence's included",
        arguments: StoreKind.allCases)
    func correctionsAlongsideIdentifies(kind: StoreKind) async throws {
        let requests = Requests.clustered(count: 6_000, seed: 9, clusters: 60)
        let store = try kind.makeStore()
        let resolver = IdentityResolver(store: AnyContactStore(store), clock: ManualClock(step: 0.001))
        let corrections = try await strideWorkers(24, count: requests.count) { worker, indices in
            var random = SplitMix64(seed: UInt64(worker))
            var done = 0
            for index in indices {
                let request = requests[index]
                _ = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
                guard index % 12 == 0 else { continue }
                let cluster = Int.random(in: 0..<60, using: &random)
                do {
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0:
                        _ = try await resolver.delete(
                            contactID: Int.random(in: 1...(index + 1), using: &random))
                    case 1:
                        _ = try await resolver.forget(
                            email: "c\(cluster)e\(Int.random(in: 0..<4, using: &random))@x.io")
                    case 2:
                        _ = try await resolver.forget(
                            phoneNumber: "\(cluster)0\(Int.random(in: 0..<4, using: &random))")
                    default:
                        _ = try await resolver.erase(contactID: Int.random(in: 1...(index + 1), using: &random))
                    }
                    done += 1
                } catch is CorrectionError {
                    // Another worker got there first.
                }
            }
            return done
        }.reduce(0, +)
        #expect(corrections > 100, "only \(corrections) corrections found something to correct")
        try await InvariantChecker.check(store: store)
    }

    @Test("the same checks catch a store whose identify is not one critical section")
    func checksCanFail() async throws {
        let requests = Requests.clustered(count: 2_000, seed: 4, clusters: 40)
        let problems = try await Self.problems(
            store: ScanContactStore(fault: .notAtomic), requests: requests, workers: 16)
        #expect(!problems.isEmpty)
        let correct = try await Self.problems(store: ScanContactStore(fault: .none), requests: requests, workers: 16)
        #expect(correct.isEmpty, "\(correct.prefix(10))")
    }

    /// Runs the requests concurrently on one shared resolver, then lists everything that
    /// breaks linearizability.
    static func problems(store: any ContactStore, requests: [Request], workers: Int) async throws -> [String] {
        let resolver = IdentityResolver(store: AnyContactStore(store), clock: ManualClock(step: 0.001))
        // A store that read a state its own races corrupted may refuse the change decided on
        // it (`ContactChange.check(against:)`): that is one of the problems, not a test error.
        let perWorker = try await strideWorkers(workers, count: requests.count) { _, indices in
            var results: [(Int, Identification)] = []
            var refusals: [String] = []
            for index in indices {
                let request = requests[index]
                do {
                    let result = try await resolver.identify(
                        email: request.email, phoneNumber: request.phoneNumber)
                    results.append((index, result))
                } catch let error as ContactStoreError {
                    refusals.append("request \(index): \(error)")
                }
            }
            return (results, refusals)
        }
        let results = perWorker.flatMap(\.0)
        let refusals = perWorker.flatMap(\.1)
        var problems: [String] = refusals
        if results.count != requests.count {
            problems.append("\(results.count) results for \(requests.count) requests")
        }

        let rows = try await resolver.allContacts()
        problems += ContactInvariants.violations(in: rows).map { "invariant: \($0)" }

        // Exactly one primary per group, and every row of a group links to it.
        let live = rows.filter(\.isLive)
        let primaries = Set(live.filter { $0.linkPrecedence == .primary }.map(\.id))
        if Set(live.map(\.primaryID)) != primaries { problems.append("groups without exactly one primary") }

        // No duplicate secondary: no two live rows of one group hold the same pair of values.
        var pairs = Set<[String?]>()
        for row in live where !pairs.insert([String(row.primaryID), row.email, row.phoneNumber]).inserted {
            problems.append("duplicate row \(row)")
        }

        // Every insert happened exactly once: the outcomes name each row once, and no other row exists.
        let inserted = results.compactMap { _, result -> Int? in
            switch result.outcome {
            case .createdPrimary(let id), .createdSecondary(let id): id
            case .merged, .unchanged: nil
            }
        }
        if inserted.sorted() != rows.map(\.id) { problems.append("the outcomes do not name every row once") }
        if !results.contains(where: { if case .merged = $0.1.outcome { true } else { false } }) {
            problems.append("no merge happened: the workload is too sparse")
        }

        // Every result's group holds the request's values.
        for (index, result) in results {
            let request = requests[index]
            if let email = request.email, !result.contact.emails.contains(email) {
                problems.append("request \(index): \(email) missing from \(result.contact)")
            }
            if let phone = request.phoneNumber, !result.contact.phoneNumbers.contains(phone) {
                problems.append("request \(index): \(phone) missing from \(result.contact)")
            }
        }

        // The groups equal those of a sequential replay on a fresh in-memory store.
        let replay = IdentityResolver(store: InMemoryContactStore(), clock: ManualClock(step: 1))
        for request in requests {
            _ = try await replay.identify(email: request.email, phoneNumber: request.phoneNumber)
        }
        let replayRows = try await replay.allContacts()
        problems += ContactInvariants.violations(in: replayRows).map { "replay invariant: \($0)" }
        if InvariantChecker.valueGroups(rows) != InvariantChecker.valueGroups(replayRows) {
            problems.append("the groups differ from a sequential replay")
        }

        // Once everything is known, repeating requests concurrently writes nothing.
        let repeated = try await strideWorkers(workers, count: requests.count, step: workers * 4) { _, indices in
            var written = 0
            for index in indices {
                let request = requests[index]
                do {
                    let again = try await resolver.identify(
                        email: request.email, phoneNumber: request.phoneNumber)
                    if again.outcome != .unchanged { written += 1 }
                } catch is ContactStoreError {
                    written += 1  // a change was decided (and refused): not "nothing"
                }
            }
            return written
        }.reduce(0, +)
        if repeated > 0 { problems.append("\(repeated) repeated requests wrote") }
        if try await resolver.allContacts() != rows { problems.append("repeated requests changed rows") }
        return problems
    }

    @Test("concurrent readers see consistent groups while writers merge", arguments: StoreKind.allCases)
    func readersDuringWrites(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(clock: ManualClock(step: 0.001))
        let requests = Requests.clustered(count: 4_000, seed: 3, clusters: 50)
        async let writing: Void = identifyConcurrently(requests, workers: 8, on: resolver)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for reader in 0..<4 {
                group.addTask {
                    for index in 0..<500 {
                        let value = "c\((index * 7 + reader) % 50)e\(index % 4)@x.io"
                        if let contact = try await resolver.contact(email: value) {
                            #expect(contact.emails.contains(value))
                            #expect(!contact.secondaryContactIDs.contains(contact.primaryContactID))
                            #expect(Set(contact.emails).count == contact.emails.count)
                        }
                        let page = try await resolver.contacts(afterID: index, limit: 10)
                        #expect(page.map(\.id) == page.map(\.id).sorted() && page.allSatisfy { $0.id > index })
                    }
                }
            }
            try await group.waitForAll()
        }
        try await writing
        try InvariantChecker.check(try await resolver.allContacts())
    }
}
