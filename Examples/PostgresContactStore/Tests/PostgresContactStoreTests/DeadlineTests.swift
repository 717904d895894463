import Foundation
import IdentityReconciliation
import PostgresNIO
import Synchronization
import Testing

@testable import PostgresContactStore

/// A call whose statement waits on the server ends at its deadline with a timeout, or at
/// once when its task is cancelled, and the store works again once the server answers.
@Suite("Deadlines and cancellation", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct DeadlineTests {
    /// Generous: the machine running the tests is shared.
    static let slack = Duration.seconds(2)

    /// Runs `body` while another session holds an exclusive lock on `store`'s table, so
    /// every statement of the store waits. The lock goes when `body` returns, or after
    /// `seconds` if `body` waits for it: a broken deadline then fails a test instead of
    /// hanging it.
    static func withTableLocked<Result: Sendable>(
        _ store: PostgresContactStore, _ client: PostgresClient, seconds: Int = 6,
        _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        let logger = PostgresContactStore.silentLogger
        let connection = try await PostgresConnection.connect(
            configuration: try TestDatabase.settings().connectionConfiguration(), id: 1, logger: logger)
        let pid = try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(
            Int.self)
        _ = try await connection.query("BEGIN", logger: logger)
        _ = try await connection.query(
            PostgresQuery(unsafeSQL: "LOCK TABLE \(store.layout.qualifiedName) IN ACCESS EXCLUSIVE MODE"),
            logger: logger)
        let holder = Task {
            _ = try await connection.query("SELECT pg_sleep(\(seconds))", logger: logger).collect()
            _ = try await connection.query("ROLLBACK", logger: logger)
        }
        defer {
            holder.cancel()
            Task { try? await connection.close() }
        }
        let result = try await body()
        // A session sleeping in a transaction does not notice its client leaving; end it.
        try await TestDatabase.execute(client, "SELECT pg_terminate_backend(\(pid ?? 0))")
        return result
    }

    @Test func aCallWaitingOnTheServerTimesOutAtItsDeadline() async throws {
        try await TestDatabase.withClient { client, scratch in
            let schema = scratch.make()
            let store = try await PostgresContactStore.open(
                client: client, schema: schema, options: PostgresContactStoreOptions(timeout: .seconds(1)))
            let resolver = IdentityResolver(store: store)
            let (error, elapsed) = try await Self.withTableLocked(store, client) {
                let start = ContinuousClock.now
                do {
                    _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
                    return (nil as PostgresContactStoreError?, start.duration(to: .now))
                } catch let error as PostgresContactStoreError {
                    return (error, start.duration(to: .now))
                }
            }
            #expect(error == .timeout(seconds: 1, mayHaveBeenApplied: false))
            #expect(elapsed >= .seconds(1) && elapsed <= .seconds(1) + Self.slack, "it took \(elapsed)")
            // The connection that timed out was closed, not handed out again. (A store of the
            // same table with a longer deadline: the lock may take a moment to go.)
            let patient = try await PostgresContactStore.open(
                client: client, schema: schema, options: PostgresContactStoreOptions(timeout: .seconds(60)))
            let identification = try await IdentityResolver(store: patient).identify(
                email: "a@x.io", phoneNumber: "1")
            #expect(identification.outcome == .createdPrimary(contactID: 1))
        }
    }

    @Test func aCancelledCallEndsAtOnce() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client, options: PostgresContactStoreOptions(timeout: .seconds(60)))
            let resolver = IdentityResolver(store: store)
            let (result, elapsed) = try await Self.withTableLocked(store, client) {
                let call = Task { try await resolver.identify(email: "a@x.io", phoneNumber: "1") }
                try await Task.sleep(for: .milliseconds(300))
                let cancelled = ContinuousClock.now
                call.cancel()
                let result = await call.result
                return (result, cancelled.duration(to: .now))
            }
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(elapsed <= Self.slack, "it took \(elapsed) after the cancellation")
            let identification = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
            #expect(identification.outcome == .createdPrimary(contactID: 1))
        }
    }

    /// With every identify batched, a call queued behind a running batch leaves the queue
    /// when cancelled; the batch's own call goes on.
    @Test func aCancelledCallWaitingForABatchEndsAtOnce() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(
                client, options: PostgresContactStoreOptions(timeout: .seconds(60), batchingThreshold: 0))
            let resolver = IdentityResolver(store: store)
            let (running, queued, elapsed) = try await Self.withTableLocked(store, client) {
                let running = Task { try await resolver.identify(email: "a@x.io", phoneNumber: "1") }
                // Its read runs (as a batch of one) before the next call comes.
                let start = ContinuousClock.now
                while store.batchedReads.counts.batches == 0, start.duration(to: .now) < .seconds(10) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                let queued = Task { try await resolver.identify(email: "b@x.io", phoneNumber: "2") }
                try await Task.sleep(for: .milliseconds(300))
                let cancelled = ContinuousClock.now
                queued.cancel()
                let result = await queued.result
                return (running, result, cancelled.duration(to: .now))
            }
            #expect(throws: CancellationError.self) { try queued.get() }
            #expect(elapsed <= Self.slack, "it took \(elapsed) after the cancellation")
            #expect(try await running.value.outcome == .createdPrimary(contactID: 1))
            #expect(try await resolver.contact(email: "b@x.io") == nil)
            // The cancelled call never ran: it was still queued (a call run at once counts too).
            #expect(store.batchedReads.counts.calls == 1)
        }
    }

    /// A step of a call cancelled before the worker came to it is never sent.
    @Test func aStepOfACancelledCallIsNotSent() async throws {
        try await TestDatabase.withClient { client, _ in
            let sent = Atomic<Bool>(false)
            let call = Task {
                try await ConnectionSession.with(client, deadline: .now + .seconds(30), timeout: .seconds(30)) {
                    session in
                    withUnsafeCurrentTask { $0?.cancel() }
                    try await session.perform { _ in sent.store(true, ordering: .relaxed) }
                }
            }
            await #expect(throws: CancellationError.self) { try await call.value }
            // The worker leases a connection in milliseconds; give it far longer.
            try await Task.sleep(for: .seconds(1))
            let wasSent = sent.load(ordering: .relaxed)
            #expect(!wasSent)
        }
    }

    /// Opening a store with `withStore` behind another session's lock on the table (the
    /// migration reads the table) throws `timeout` at the bulk deadline instead of waiting
    /// for the lock.
    @Test func openingBehindALockTimesOutAtTheBulkDeadline() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let (error, elapsed) = try await Self.withTableLocked(store, client) {
                let start = ContinuousClock.now
                do {
                    try await PostgresContactStore.withStore(
                        settings: try TestDatabase.settings(), schema: store.schema,
                        options: PostgresContactStoreOptions(bulkTimeout: .seconds(1))
                    ) { _ in }
                    return (nil as PostgresContactStoreError?, start.duration(to: .now))
                } catch let error as PostgresContactStoreError {
                    return (error, start.duration(to: .now))
                }
            }
            #expect(error == .timeout(seconds: 1, mayHaveBeenApplied: false))
            #expect(elapsed < .seconds(4), "\(elapsed)")
        }
    }

    /// An import whose `COMMIT` outlasts the bulk deadline throws `timeout` saying it may
    /// have been applied, and it was: a deferred constraint trigger sleeps 5 s at `COMMIT`,
    /// the deadline (2 s) closes the connection, and the server, still sleeping, commits.
    ///
    /// In a database of its own: until that `COMMIT` ends, the import holds the advisory lock
    /// every store transaction of its database shares (`AdvisoryLockKey.importBarrier`), and
    /// the other suites' writes would wait for it.
    @Test func anImportTimingOutDuringCommitMayHaveBeenApplied() async throws {
        try await TestDatabase.withClient { client, _ in
            let database = TestDatabase.uniqueSchema()
            try await TestDatabase.execute(client, "CREATE DATABASE \(database)")
            do {
                var settings = try TestDatabase.settings()
                settings.database = database
                try await PostgresContactStore.withStore(settings: settings) { store in
                    try await Self.expectImportInDoubt(store)
                }
            } catch {
                try? await TestDatabase.execute(client, "DROP DATABASE \(database) WITH (FORCE)")
                throw error
            }
            try await TestDatabase.execute(client, "DROP DATABASE \(database) WITH (FORCE)")
        }
    }

    /// The body of ``anImportTimingOutDuringCommitMayHaveBeenApplied()`` on `store`'s table.
    static func expectImportInDoubt(_ store: PostgresContactStore) async throws {
        let schema = ContactTableLayout.quoted(store.schema)
        try await TestDatabase.execute(
            store.client,
            """
            CREATE FUNCTION \(schema).slow_commit() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN PERFORM pg_sleep(5); RETURN NULL; END $$
            """)
        try await TestDatabase.execute(
            store.client,
            """
            CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON \(store.layout.qualifiedName)
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION \(schema).slow_commit()
            """)
        let epoch = Date(timeIntervalSince1970: 1_600_000_000)
        let row = Contact(
            id: 1, email: "a@x.io", phoneNumber: "1", linkedId: nil, linkPrecedence: .primary,
            createdAt: epoch, updatedAt: epoch)
        // The same table, with a short bulk deadline (the migration had a long one).
        let hurried = PostgresContactStore(
            client: store.client, layout: store.layout, options: PostgresContactStoreOptions(bulkTimeout: .seconds(2)),
            logger: store.logger)
        var caught: PostgresContactStoreError?
        do {
            try await hurried.importContacts(ContactImport(contacts: [row]))
        } catch let error as PostgresContactStoreError {
            caught = error
        }
        #expect(caught == .timeout(seconds: 2, mayHaveBeenApplied: true))
        // The server commits when the trigger wakes up.
        var count = 0
        for _ in 0..<100 where count == 0 {
            try await Task.sleep(for: .milliseconds(100))
            count =
                try await store.client.query(
                    PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \(store.layout.qualifiedName)")
                ).collect().first?.decode(Int.self) ?? 0
        }
        #expect(count == 1)
    }

    /// A session whose deadline the watch reaches only after the session ended does not
    /// close the connection: on a pool of one, the next session has it by then.
    @Test func anEndedSessionsExpiryLeavesTheNextSessionsConnection() async throws {
        try await TestDatabase.withClient(maximumConnections: 1) { client, _ in
            let deadline = ContinuousClock.now + .seconds(30)
            let ended = try await ConnectionSession.with(client, deadline: deadline, timeout: .seconds(30)) { session in
                try await session.perform { try await $0.query("SELECT 1", logger: PostgresContactStore.silentLogger) }
                return session
            }
            let answer = try await ConnectionSession.with(client, deadline: deadline, timeout: .seconds(30)) {
                session in
                // This session holds the pool's only connection, the one `ended` had.
                try await session.perform { _ in }
                await ended.expire()
                return try await session.perform { connection in
                    try await connection.query("SELECT 2", logger: PostgresContactStore.silentLogger).collect()
                        .first?.decode(Int.self)
                }
            }
            #expect(answer == 2)
        }
    }
}
