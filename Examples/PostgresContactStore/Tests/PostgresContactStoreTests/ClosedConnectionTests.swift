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

    /// A connection closed at any moment around the sending of a step never leaves the step
    /// waiting in the driver (PostgresNIO 1.33.2 never answers a statement written to a
    /// closed channel): the step answers or fails with `connectionLost` at once, never with
    /// `timeout` at its deadline, and on a pool of one the next session has a connection.
    /// With the worker off the connection's event loop, a step timed out within the first 40
    /// attempts in each of three runs.
    @Test func aConnectionClosedAsAStepIsSentFailsTheStepAtOnce() async throws {
        try await TestDatabase.withClient(maximumConnections: 1) { client, _ in
            for attempt in 0..<400 {
                // A local statement takes milliseconds; 2 s only ends a step that hangs.
                let outcome = try await ConnectionSession.with(
                    client, deadline: .now + .seconds(2), timeout: .seconds(2)
                ) {
                    session in
                    let connection = try await session.perform { $0 }
                    let closer = Task {
                        // 0–24 µs, so that over the attempts the close lands before, during and
                        // after the sending of the step below.
                        let until = ContinuousClock.now + .microseconds(attempt % 25)
                        while ContinuousClock.now < until {}
                        try? await connection.close()
                    }
                    let outcome: PostgresContactStoreError?
                    do {
                        _ = try await session.perform {
                            try await $0.query("SELECT 1", logger: PostgresContactStore.silentLogger).collect()
                        }
                        outcome = nil
                    } catch let error as PostgresContactStoreError {
                        outcome = error
                    }
                    await closer.value
                    return outcome
                }
                if case .timeout? = outcome {
                    Issue.record("attempt \(attempt): the step waited for its deadline")
                    return
                }
                let answer = try await ConnectionSession.with(
                    client, deadline: .now + .seconds(5), timeout: .seconds(5)
                ) {
                    session in
                    try await session.perform { connection in
                        try await connection.query("SELECT 2", logger: PostgresContactStore.silentLogger).collect()
                            .first?.decode(Int.self)
                    }
                }
                #expect(answer == 2, "attempt \(attempt)")
            }
        }
    }
}
