import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import PostgresNIO
import Synchronization
import Testing

/// Server faults under load: 8 concurrent callers identify while a backend is terminated,
/// the server restarts, or it is stopped for 5 seconds. Every call returns or throws a
/// typed error within its deadline; calls after recovery succeed; the invariants hold; the
/// groups equal a sequential replay of the requests. Each fault runs twice: with the
/// default batching threshold (8 callers, each identify alone) and with every concurrent
/// identify batched (threshold 0).
///
/// They stop the server, so they run alone: `scripts/postgres.sh` runs them in a second
/// `swift test` with `POSTGRES_FAULT_TESTS=1` and `POSTGRES_TEST_SERVER_CONTROL` (a script
/// that stops, starts and restarts the throwaway cluster).
@Suite(
    "Faults", .serialized, .enabled(if: TestDatabase.runsFaultTests, "set POSTGRES_FAULT_TESTS=1 (scripts/postgres.sh)")
)
struct FaultTests {
    static let timeout = Duration.seconds(3)
    /// What a call may take beyond its deadline on a busy machine before it counts as hung.
    static let slack = Duration.seconds(2)

    enum Fault: String, CaseIterable, Sendable {
        case terminateBackends, restart, stopForFiveSeconds
    }

    @Test(arguments: [8, 0]) func backendsTerminated(batchingThreshold: Int) async throws {
        try await callsSurvive(.terminateBackends, batchingThreshold: batchingThreshold)
    }

    @Test(arguments: [8, 0]) func fastRestart(batchingThreshold: Int) async throws {
        try await callsSurvive(.restart, batchingThreshold: batchingThreshold)
    }

    @Test(arguments: [8, 0]) func serverStoppedForFiveSeconds(batchingThreshold: Int) async throws {
        try await callsSurvive(.stopForFiveSeconds, batchingThreshold: batchingThreshold)
    }

    /// The load, the fault and the checks. No pooled connection of the test outlives a
    /// fault: PostgresNIO 1.33.2 can hand out a connection the server closed, and a query
    /// on it never returns (see the README), so every helper query runs on a new client.
    func callsSurvive(_ fault: Fault, batchingThreshold: Int) async throws {
        let control = TestDatabase.environment["POSTGRES_TEST_SERVER_CONTROL"]
        if fault != .terminateBackends {
            try #require(control != nil, "POSTGRES_TEST_SERVER_CONTROL names no script")
        }
        var random = SplitMix64(seed: 17)
        let requests = (0..<400).map { _ in random.request(emails: 120, phones: 120) }
        let schema = TestDatabase.uniqueSchema()
        let options = PostgresContactStoreOptions(timeout: Self.timeout, batchingThreshold: batchingThreshold)
        let outcomes = Outcomes()
        defer { Self.dropSchema(schema) }
        try await PostgresContactStore.withStore(
            settings: try TestDatabase.settings(), schema: schema, maximumConnections: 8, options: options
        ) { store in
            let resolver = IdentityResolver(store: store)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<8 {
                    group.addTask {
                        var index = caller
                        while outcomes.isRunning {
                            let request = requests[index % requests.count]
                            let start = ContinuousClock.now
                            var outcome = CallOutcome(request: index % requests.count)
                            do {
                                _ = try await resolver.identify(
                                    email: request.email, phoneNumber: request.phoneNumber)
                            } catch let error as PostgresContactStoreError {
                                outcome.error = error
                            } catch {
                                outcome.unexpected = String(reflecting: error)
                            }
                            outcome.duration = start.duration(to: .now)
                            outcomes.append(outcome)
                            index += 8
                        }
                    }
                }
                try await Task.sleep(for: .milliseconds(500))
                let started = try await Self.serverStart()
                try await Self.inject(fault, schema: schema, control: control)
                if fault != .terminateBackends {
                    #expect(try await Self.serverStart() != started, "the server did not restart")
                }
                // Load goes on after recovery.
                try await Task.sleep(for: .seconds(1))
                outcomes.stop()
                try await group.waitForAll()
            }

            let all = outcomes.all
            #expect(all.count > 50, "too little load: \(all.count) calls")
            for outcome in all {
                #expect(outcome.duration <= Self.timeout + Self.slack, "a call took \(outcome.duration)")
                #expect(outcome.unexpected == nil, "an untyped error: \(outcome.unexpected ?? "")")
                if let error = outcome.error {
                    #expect(
                        error.isTransient || Self.isTimeout(error), "an error the fault cannot explain: \(error)")
                }
            }
            if fault == .stopForFiveSeconds {
                #expect(all.contains { $0.error != nil }, "the fault did not reach any call")
            }
            // Recovery: the pool reconnects (PostgresNIO backs off between attempts); then
            // every request succeeds (and the ones that failed are now applied).
            let recovery = ContinuousClock.now + .seconds(15)
            while true {
                do {
                    _ = try await resolver.identify(email: requests[0].email, phoneNumber: requests[0].phoneNumber)
                    break
                } catch let error as PostgresContactStoreError where ContinuousClock.now < recovery {
                    #expect(error.isTransient || Self.isTimeout(error), "\(error)")
                }
            }
            for request in requests {
                _ = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
            }
            try await TestDatabase.expectGroupsOfReplay(store, requests)
        }
    }

    /// The calls made so far, and whether the callers go on.
    final class Outcomes: Sendable {
        private let state = Mutex((running: true, outcomes: [CallOutcome]()))
        var isRunning: Bool { state.withLock { $0.running } }
        var all: [CallOutcome] { state.withLock { $0.outcomes } }
        func append(_ outcome: CallOutcome) { state.withLock { $0.outcomes.append(outcome) } }
        func stop() { state.withLock { $0.running = false } }
    }

    struct CallOutcome: Sendable {
        var request: Int
        var duration = Duration.zero
        var error: PostgresContactStoreError?
        var unexpected: String?
    }

    /// Drops the test's schema with psql-free means: a new client, after the test.
    static func dropSchema(_ schema: String) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            try? await TestDatabase.withClient { client, _ in
                try await TestDatabase.execute(client, "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
            }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 10)
    }

    /// `pg_postmaster_start_time()`, on a new client.
    static func serverStart() async throws -> String {
        try await TestDatabase.withClient { client, _ in
            try await client.query("SELECT pg_postmaster_start_time()::text").collect().first?.decode(String.self) ?? ""
        }
    }

    static func isTimeout(_ error: PostgresContactStoreError) -> Bool {
        if case .timeout = error { return true }
        return false
    }

    static func inject(_ fault: Fault, schema: String, control: String?) async throws {
        switch fault {
        case .terminateBackends:
            // Busy backends of this test's store, several times over the load.
            try await TestDatabase.withClient { client, _ in
                for _ in 0..<10 {
                    try await TestDatabase.execute(
                        client,
                        """
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%\(schema)%identity_%'
                        """)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        case .restart:
            try await run(control, "restart")
        case .stopForFiveSeconds:
            try await run(control, "stop")
            try await Task.sleep(for: .seconds(5))
            try await run(control, "start")
        }
    }

    /// Runs `server-control command` and waits for it by polling `waitpid`: the server it
    /// starts inherits the script's descriptors and outlives it, which keeps Foundation's
    /// `Process` from ever seeing the script end.
    static func run(_ control: String?, _ command: String) async throws {
        let path = try #require(control)
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(path), strdup(command), nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, path, &actions, nil, arguments, environ)
        try #require(spawned == 0, "cannot run \(path)")
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 { try await Task.sleep(for: .milliseconds(50)) }
        try #require(status == 0, "server-control \(command) failed (status \(status))")
    }
}
