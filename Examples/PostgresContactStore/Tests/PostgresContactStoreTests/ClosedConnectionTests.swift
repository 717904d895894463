import Foundation
import IdentityReconciliation
import PostgresNIO
import Testing

@testable import PostgresContactStore

/// The closed-connection hang: the server ends a session while a statement of a
/// transaction runs (`pg_terminate_backend`, a fast shutdown). PostgresNIO 1.33.2 closes the
/// connection, and a query sent on it afterwards never returns. The store's first
/// transaction wrapper sent `ROLLBACK` then, and hung.
@Suite("Closed connections", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct ClosedConnectionTests {
    /// The wrapper as it was: `ROLLBACK` after any error.
    static func oldInTransaction(
        _ connection: PostgresConnection, _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        try await connection.query("BEGIN", logger: PostgresContactStore.silentLogger)
        do {
            try await body(connection)
            try await connection.query("COMMIT", logger: PostgresContactStore.silentLogger)
        } catch {
            try await connection.query("ROLLBACK", logger: PostgresContactStore.silentLogger)
            throw error
        }
    }

    /// Runs `wrapper` around a statement whose backend another session terminates, bounded
    /// by a deadline of `seconds`, and returns the error it ended with.
    static func terminatedStatement(
        seconds: Int = 3,
        _ wrapper:
            @escaping @Sendable (PostgresConnection, (PostgresConnection) async throws -> Void) async throws ->
            Void
    ) async throws -> (any Error)? {
        let settings = try TestDatabase.settings()
        let connection = try await PostgresConnection.connect(
            configuration: try settings.connectionConfiguration(), id: 1, logger: PostgresContactStore.silentLogger)
        defer { Task { try? await connection.close() } }
        let pid = try await connection.query("SELECT pg_backend_pid()", logger: PostgresContactStore.silentLogger)
            .collect().first?.decode(Int.self)
        let killer = Task {
            try await TestDatabase.withClient { client, _ in
                // Terminated while the statement runs, not before.
                for _ in 0..<100 {
                    let rows = try await client.query(
                        """
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE pid = \(pid ?? 0) AND state = 'active' AND query LIKE 'SELECT pg_sleep%'
                        """
                    ).collect()
                    if !rows.isEmpty { return }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        defer { killer.cancel() }
        do {
            try await Deadline.race(seconds: seconds) {
                try await wrapper(connection) { connection in
                    do {
                        // Read to the end: `query` returns at the row description, and the
                        // termination only shows when the rows are read.
                        _ = try await connection.query("SELECT pg_sleep(10)", logger: PostgresContactStore.silentLogger)
                            .collect()
                    } catch {
                        // The wrapper's next step comes after the channel has closed, as it
                        // does when the server's goodbye and the close arrive together.
                        try? await connection.closeFuture.get()
                        throw error
                    }
                }
            }
            return nil
        } catch {
            return error
        }
    }

    /// The old wrapper, bounded by a deadline, times out: this is the hang (PostgresNIO
    /// 1.33.2). If this test fails after a PostgresNIO upgrade, the driver answers queries
    /// on closed connections now; update the README's note.
    @Test func oldWrapperHangsOnATerminatedConnection() async throws {
        let error = try await Self.terminatedStatement { connection, body in
            try await Self.oldInTransaction(connection, body)
        }
        #expect(error as? PostgresContactStoreError == .timeout(seconds: 3, mayHaveBeenApplied: false))
    }

    /// The store's wrapper sends nothing after the connection failed, and its error is a
    /// connection loss, within the deadline.
    @Test func storeWrapperThrowsConnectionLost() async throws {
        // A long deadline: on a busy machine the terminating session can take seconds to start.
        let error = try await Self.terminatedStatement(seconds: 30) { connection, body in
            try await PostgresContactStore.inTransaction(connection, logger: PostgresContactStore.silentLogger, body)
        }
        let translated = error.map { PostgresContactStore.translate($0) }
        guard case .connectionLost(_, false) = translated as? PostgresContactStoreError else {
            Issue.record("expected connectionLost, got \(String(describing: translated))")
            return
        }
    }

    /// A connection that closes after a step has found it open, before the step's statement
    /// is written, never leaves the step waiting in the driver (PostgresNIO 1.33.2 never
    /// answers a statement written to a closed channel). Here each step asks the connection's
    /// event loop to close the connection, spins 5 ms, then sends its statement: the worker
    /// runs the step on that loop, so the close waits for the step to write, and fails the
    /// statement in flight, `connectionLost` at once (or the answer, had it come first),
    /// never `timeout` at the deadline. With the worker on the cooperative pool the loop
    /// closed the connection during the spin, and the step waited for its deadline.
    @Test func aConnectionClosingAsAStepIsSentFailsTheStepAtOnce() async throws {
        try await TestDatabase.withClient(maximumConnections: 1) { client, _ in
            for attempt in 0..<10 {
                // A local statement takes milliseconds; 2 s only ends a step that hangs.
                let outcome = try await Self.withOpenSession(client, seconds: 2) { session in
                    do {
                        _ = try await session.perform { connection in
                            connection.eventLoop.execute { let _: EventLoopFuture<Void> = connection.close() }
                            // Time enough for the loop to close the connection, unless this
                            // step holds the loop's thread.
                            let until = ContinuousClock.now + .milliseconds(5)
                            while ContinuousClock.now < until {}
                            return try await connection.query("SELECT 1", logger: PostgresContactStore.silentLogger)
                                .collect().count
                        }
                        return PostgresContactStoreError?.none
                    } catch let error as PostgresContactStoreError {
                        return error
                    }
                }
                switch outcome {
                case nil, .connectionLost?: continue
                default:
                    Issue.record("attempt \(attempt): \(String(describing: outcome))")
                    return
                }
            }
        }
    }

    /// Runs `body` in a session of `client` with a deadline `seconds` away, again (up to
    /// three times) when the pool handed out a connection that had closed while idle (its
    /// first step fails with `connectionLost`; PostgresNIO 1.33.2's pool can hand a connection
    /// out again before it has seen it close). A worker that kept its lease would leave a
    /// pool of one without a connection, and the session would time out.
    static func withOpenSession<Value: Sendable>(
        _ client: PostgresClient, seconds: Int, _ body: (ConnectionSession) async throws -> Value
    ) async throws -> Value {
        for _ in 0..<2 {
            do {
                return try await ConnectionSession.with(
                    client, deadline: .now + .seconds(seconds), timeout: .seconds(seconds), body)
            } catch PostgresContactStoreError.connectionLost {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return try await ConnectionSession.with(
            client, deadline: .now + .seconds(seconds), timeout: .seconds(seconds), body)
    }

    /// PostgresNIO 1.33.2's pool strands a queued lease when its last connection closes and
    /// no later lease comes (vapor/postgres-nio#657). The store's client configuration
    /// (`clientConfiguration(maximumConnections:)`) keeps a minimum of one connection, so the
    /// pool replaces the closed one at once: on a pool of one, a session queued behind one
    /// whose connection closes gets a connection.
    @Test func aQueuedSessionGetsAConnectionWhenTheLastOneCloses() async throws {
        try await TestDatabase.withClient(maximumConnections: 1) { client, _ in
            let queued = try await ConnectionSession.with(client, deadline: .now + .seconds(30), timeout: .seconds(30))
            {
                holder in
                let connection = try await holder.perform { $0 }
                let queued = Task {
                    try await Self.withOpenSession(client, seconds: 5) { session in
                        try await session.perform { connection in
                            try await connection.query("SELECT 2", logger: PostgresContactStore.silentLogger)
                                .collect().first?.decode(Int.self)
                        }
                    }
                }
                // Time for the queued session to ask the pool (had it not, its lease would
                // simply open a connection later, and the test would pass without the fix).
                try await Task.sleep(for: .milliseconds(300))
                try await connection.close()
                return queued
            }
            #expect(try await queued.value == 2)
        }
    }
}
