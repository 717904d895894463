import Foundation
import PostgresNIO
import Synchronization
import Testing

@testable import PostgresContactStore

/// The deadline of a session (`ConnectionSession`): a step that never returns, not even when
/// cancelled, as a query on a closed connection in PostgresNIO 1.33.2, ends in a timeout at
/// the deadline; a cancelled caller stops waiting at once. (After such a session the holder
/// closes the connection; whether and when PostgresNIO 1.33.2's pool of one connection then
/// opens a new one varied between runs, up to more than 30 s, so the tests do not wait for it.)
@Suite(
    "Connection sessions", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason),
    .timeLimit(.minutes(1)))
struct ConnectionSessionTests {
    /// Runs `body` with a running client of at most one connection.
    static func withOneConnection(_ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(
            configuration: try TestDatabase.settings().clientConfiguration(maximumConnections: 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }

    /// The backend process of the pool's one connection.
    static func backend(_ client: PostgresClient) async throws -> Int? {
        try await ConnectionSession.with(client, deadline: .now + .seconds(30), timeout: .seconds(30)) { session in
            try await session.perform { connection in
                try await connection.query("SELECT pg_backend_pid()", logger: PostgresContactStore.silentLogger)
                    .collect().first?.decode(Int.self)
            }
        }
    }

    /// Waits until another session runs `sql` (over a connection of its own).
    static func waitUntilRunning(_ sql: String) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try TestDatabase.settings().connectionConfiguration(), id: 1,
            logger: PostgresContactStore.silentLogger)
        defer { Task { try? await connection.close() } }
        while true {
            let rows = try await connection.query(
                "SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query = \(sql)",
                logger: PostgresContactStore.silentLogger
            ).collect()
            if !rows.isEmpty { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A step that never returns and ignores cancellation times out at the deadline, with
    /// whether a write was in flight. (Whether the pool then replaces the closed connection is
    /// PostgresNIO's business: with one connection, PostgresNIO 1.33.2 was seen not to hand
    /// out a new one within 30 s after a connection closed while idle in a lease.)
    @Test func stuckStepTimesOut() async throws {
        try await Self.withOneConnection { client in
            let stuck = Mutex<CheckedContinuation<Void, Never>?>(nil)
            let error = await #expect(throws: PostgresContactStoreError.self) {
                try await ConnectionSession.with(client, deadline: .now + .seconds(1), timeout: .seconds(1)) {
                    session in
                    session.setWriting(true)
                    try await session.perform { _ in
                        await withCheckedContinuation { continuation in stuck.withLock { $0 = continuation } }
                    }
                }
            }
            #expect(error == .timeout(seconds: 1, mayHaveBeenApplied: true))
            // Let the stuck task end with the test.
            stuck.withLock { $0?.resume() }
        }
    }

    /// A statement still running at the deadline times out.
    @Test func slowStatementTimesOut() async throws {
        try await Self.withOneConnection { client in
            let error = await #expect(throws: PostgresContactStoreError.self) {
                try await ConnectionSession.with(client, deadline: .now + .seconds(1), timeout: .seconds(1)) {
                    session in
                    try await session.perform { connection in
                        _ = try await connection.query("SELECT pg_sleep(20)", logger: PostgresContactStore.silentLogger)
                            .collect()
                    }
                }
            }
            #expect(error == .timeout(seconds: 1, mayHaveBeenApplied: false))
        }
    }

    /// A cancelled caller stops waiting at once with `CancellationError`.
    @Test func cancelledCallerStopsWaiting() async throws {
        try await Self.withOneConnection { client in
            let call = Task {
                try await ConnectionSession.with(client, deadline: .now + .seconds(30), timeout: .seconds(30)) {
                    session in
                    try await session.perform { connection in
                        _ = try await connection.query("SELECT pg_sleep(20)", logger: PostgresContactStore.silentLogger)
                            .collect()
                    }
                }
            }
            try await Self.waitUntilRunning("SELECT pg_sleep(20)")
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
        }
    }

    /// Several steps of one session run on one connection, which goes back to the pool
    /// open when the session ends cleanly.
    @Test func stepsShareOneConnection() async throws {
        try await Self.withOneConnection { client in
            let pids = try await ConnectionSession.with(client, deadline: .now + .seconds(30), timeout: .seconds(30)) {
                session in
                var pids: [Int?] = []
                for _ in 0..<3 {
                    pids.append(
                        try await session.perform { connection in
                            try await connection.query(
                                "SELECT pg_backend_pid()", logger: PostgresContactStore.silentLogger
                            ).collect().first?.decode(Int.self)
                        })
                }
                return pids
            }
            #expect(Set(pids).count == 1)
            let after = try await Self.backend(client)
            #expect(after == pids[0])
        }
    }
}
