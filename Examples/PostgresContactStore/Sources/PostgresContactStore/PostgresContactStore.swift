public import IdentityReconciliation
public import Logging
public import PostgresNIO
import Synchronization

/// A ``ContactStore`` on PostgreSQL, in the task's `"Contact"` table (and a `"ContactLink"`
/// table for link evidence), shared by any number of processes.
///
/// Like every store it decides nothing: it reads what a `ContactSelection` selects and
/// persists the `CheckedContactPlan` the library hands it, in one transaction.
///
/// ```swift
/// let settings = try PostgresConnectionSettings.environment()
/// try await PostgresContactStore.withStore(settings: settings) { store in
///     let resolver = IdentityResolver(store: store)
///     let result = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
///     print(result.contact.primaryContactID)
/// }
/// ```
///
/// **Schema.** ``open(client:schema:createIfMissing:logger:)`` creates the table and its
/// indexes when missing, or checks an existing table (an existing Bitespeed database works
/// as is) and throws ``PostgresContactStoreError/incompatibleSchema(table:column:reason:)``
/// when it cannot be used. It adds the `"ContactLink"` table when missing.
///
/// **Concurrency.** Each transaction takes transaction-scoped advisory locks on the
/// selection's normalized email and phone number and on every group it reads, in a fixed
/// order, before its plan is decided; two processes identifying overlapping values therefore never
/// create two primaries for one person and never lose a merge. See the package's README
/// for the argument.
///
/// **Durability.** A transaction has committed when ``transaction(reading:_:)`` returns,
/// as durable as the server's `synchronous_commit` setting makes it. If the connection
/// breaks while `COMMIT` is in flight, the method throws
/// ``PostgresContactStoreError/connectionLost(reason:)`` and cannot know whether the server
/// committed; repeating an identify is safe because identify is idempotent.
///
/// **Timestamps** are stored in whole microseconds (or the columns' declared precision):
/// dates are rounded before they are written, and the rows the store reports are the
/// rounded ones.
///
/// **Chains.** A table written by other software may hold a secondary that links to
/// another secondary. Lookups follow `linkedId` up to the oldest ancestor and treat the
/// whole tree as one group under it (``contacts(afterID:limit:)`` returns rows as stored);
/// a plan that changes a row of it stores the row as read, linked to the tree's root, so a
/// merge relinks every row of the demoted tree directly. Repairing the table is the job
/// of an import tool; rows on a `linkedId` cycle match nothing.
public final class PostgresContactStore: ContactStore {
    /// The connection pool the store runs its statements on.
    public let client: PostgresClient
    /// The logger passed to PostgresNIO for each statement.
    public let logger: Logger
    /// The deadline and the retries of every call.
    public let options: PostgresContactStoreOptions
    let layout: ContactTableLayout
    let functions: StoreFunctions
    /// The prepared calls of ``functions``, built once.
    let calls: StoreFunctions.Calls
    /// Identifies' reads waiting for the next batch (see ``transaction(reading:_:)``).
    let batchedReads = CallBatcher<ContactSelection, FunctionResult>(maximumBatch: 64)
    /// Identifies' writes waiting for the next batch.
    let batchedWrites = CallBatcher<BatchedWrite, BatchedWriteOutcome>(maximumBatch: 64)
    /// The identifies in flight in this store (see ``PostgresContactStoreOptions/batchingThreshold``).
    let identifiesInFlight = Atomic<Int>(0)

    /// How often a transaction may decide its plan again because the selection changed
    /// between its read and its write.
    static let maximumAttempts = 64

    /// The schema holding the `"Contact"` table.
    public var schema: String { layout.schema }

    init(client: PostgresClient, layout: ContactTableLayout, options: PostgresContactStoreOptions, logger: Logger) {
        self.client = client
        self.layout = layout
        self.functions = StoreFunctions(layout: layout)
        self.calls = functions.calls
        self.options = options
        self.logger = logger
    }

    /// Prepares the table (see ``PostgresContactStore``) and returns a store over it.
    ///
    /// The caller runs `client` (`await client.run()` in a task, or a ServiceLifecycle
    /// group) for as long as the store is used.
    ///
    /// - Parameters:
    ///   - client: A running PostgresNIO client.
    ///   - schema: The schema holding `"Contact"`; created with the table when missing.
    ///   - createIfMissing: Whether to create the table when it does not exist.
    ///   - options: The deadline and retries of each call.
    ///   - logger: Where PostgresNIO logs; nothing is logged by default.
    /// - Throws: ``PostgresContactStoreError`` when the server is unreachable or the table
    ///   cannot be used.
    public static func open(
        client: PostgresClient,
        schema: String = "public",
        createIfMissing: Bool = true,
        options: PostgresContactStoreOptions = PostgresContactStoreOptions(),
        logger: Logger = PostgresContactStore.silentLogger
    ) async throws -> PostgresContactStore {
        let timeout = options.bulkTimeout
        let layout = try await ConnectionSession.with(client, deadline: .now + timeout, timeout: timeout) { session in
            try await session.perform { connection in
                try await Self.migrate(
                    connection: connection, schema: schema, createIfMissing: createIfMissing, logger: logger)
            }
        }
        return PostgresContactStore(client: client, layout: layout, options: options, logger: logger)
    }

    /// Connects, prepares the table, runs `body` with a store, and closes the connections.
    ///
    /// - Parameters:
    ///   - settings: Where the server is, for example ``PostgresConnectionSettings/environment(_:)``.
    ///   - schema: The schema holding `"Contact"`.
    ///   - createIfMissing: Whether to create the table when it does not exist.
    ///   - maximumConnections: The most connections the store opens.
    ///   - options: The deadline and retries of each call.
    ///   - logger: Where PostgresNIO logs; nothing is logged by default.
    ///   - body: Uses the store; the connections close when it returns.
    /// - Returns: What `body` returns.
    /// - Throws: ``PostgresContactStoreError/unreachable(endpoint:reason:)`` when no
    ///   connection can be made; ``PostgresContactStoreError/timeout(seconds:mayHaveBeenApplied:)``
    ///   when preparing the table (see ``open(client:schema:createIfMissing:options:logger:)``)
    ///   outlasts ``PostgresContactStoreOptions/bulkTimeout``, for example behind another
    ///   session's lock on the table; other ``PostgresContactStoreError`` cases; what `body`
    ///   throws.
    public static func withStore<Result: Sendable>(
        settings: PostgresConnectionSettings,
        schema: String = "public",
        createIfMissing: Bool = true,
        maximumConnections: Int = 20,
        options: PostgresContactStoreOptions = PostgresContactStoreOptions(),
        logger: Logger = PostgresContactStore.silentLogger,
        _ body: (PostgresContactStore) async throws -> Result
    ) async throws -> Result {
        // One direct connection first: it fails at once (the pool would retry for seconds).
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try settings.connectionConfiguration(), id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PostgresContactStoreError {
            throw error
        } catch {
            throw PostgresContactStoreError.unreachable(
                endpoint: settings.description, reason: Self.reason(for: error))
        }
        let client = PostgresClient(
            configuration: settings.clientConfiguration(maximumConnections: maximumConnections),
            backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            // Leaving the group cancels run(), which closes the connections.
            defer { group.cancelAll() }
            // The migration runs on the pool, bounded by the options' bulk deadline.
            let store = try await open(
                client: client, schema: schema, createIfMissing: createIfMissing, options: options, logger: logger)
            return try await body(store)
        }
    }

    /// A logger that discards everything.
    public static let silentLogger = Logger(label: "PostgresContactStore", factory: { _ in SwiftLogNoOpLogHandler() })

    // MARK: - ContactStore

    /// Reads a selection (see `ContactSelection`) in one call of `identity_select`,
    /// without locks or writes: it sees one committed snapshot.
    ///
    /// Retried after a transient failure (it writes nothing), within the deadline.
    ///
    /// - Throws: ``PostgresContactStoreError``.
    public func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        guard !selection.isEmpty else { return .empty }
        return try await run(retryingInDoubt: true) { session in
            try await self.select(selection, fingerprinted: false, session).selected
        }
    }

    /// Runs one transaction (see `ContactStore`) in at most two round trips, each one
    /// statement that is its own transaction on the server:
    ///
    /// 1. `identity_read` reads the selection and its fingerprint (a committed snapshot, no
    ///    locks); `plan` decides on it. A plan that writes nothing ends the transaction here.
    /// 2. `identity_apply` takes the transaction-scoped advisory locks of what was read
    ///    and what the plan writes (see ``readKeys(_:_:)``), in ascending order, reads the
    ///    selection again, and writes the plan only when the selection is unchanged. When
    ///    it changed, it writes nothing, and the transaction takes the contended path: in
    ///    one transaction of its own it locks first, then reads, decides and writes (four
    ///    round trips).
    ///
    /// The write is linearized at step 2: every change to what a selection reads is made
    /// under one of the keys held there, so the rows the plan was decided on are the rows
    /// the write sees. The locks are released when the statement commits.
    ///
    /// **Batches.** An identify's selection (values only, no deleted rows, no links) shares
    /// its round trips with concurrent identifies of this store once more than
    /// ``PostgresContactStoreOptions/batchingThreshold`` are in flight: while one batch of
    /// identifies' reads (or writes) is in flight, the reads (or writes) that arrive wait for
    /// it, then go together in one statement (``StoreFunctions/readManySQL``,
    /// ``StoreFunctions/applyManySQL``), up to 64. A batch's writes run in one server
    /// transaction that takes all of their locks in ascending order first, then each write
    /// as step 2 above, in turn, each seeing the writes before it: a write whose selection
    /// an earlier one changed writes nothing and takes the contended path, as it would
    /// alone. A call that finds nothing in flight runs at once, alone. A batch's deadline is
    /// the earliest of its calls' (so no call waits past its own). A call whose task is
    /// cancelled while it is queued for a batch leaves the queue at once; one whose batch is
    /// running notices it when the batch ends. A batch that fails
    /// for a reason that may be one write's (a server error, not a lost connection or a
    /// timeout) fails none of them: each runs alone.
    ///
    /// **Retries.** After a lost connection, a server shutting down or a serialization
    /// failure the whole transaction runs again (fresh read, fresh plan) on a new
    /// connection, at most ``PostgresContactStoreOptions/maximumRetries`` times, within
    /// the deadline. A failure during step 2 leaves the write in doubt; it is retried
    /// only for an identify's selection: identify is idempotent, so the retry reads what
    /// the first attempt (or its batch) may have written and writes nothing more, and
    /// returns the same contact (with the outcome `unchanged` when the first attempt had
    /// committed). Other transactions in doubt throw with
    /// ``PostgresContactStoreError/mayHaveBeenApplied`` set.
    ///
    /// Dates are rounded to the table's precision before the plan is persisted (the plan
    /// is checked again when that changes it), and the receipt reports the rounded plan.
    ///
    /// - Throws: What `plan` throws; ``PostgresContactStoreError``. Nothing is written when
    ///   it throws, except when its ``PostgresContactStoreError/mayHaveBeenApplied`` says so.
    public func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        let isIdentify = !selection.includesDeletedRows && !selection.includesLinks && selection.contactID == nil
        let inFlight = isIdentify ? identifiesInFlight.wrappingAdd(1, ordering: .relaxed).newValue : 0
        defer { if isIdentify { identifiesInFlight.wrappingSubtract(1, ordering: .relaxed) } }
        guard isIdentify, inFlight > options.batchingThreshold else {
            return try await run(retryingInDoubt: isIdentify) { session in
                try await self.attempt(selection, plan, session)
            }
        }
        let deadline = ContinuousClock.now + options.timeout
        return try await retrying(inDoubt: true, until: deadline) {
            try await self.batchedAttempt(selection, plan, until: deadline)
        }
    }

    /// One attempt of an identify's transaction, its read and its write each carried by a
    /// batch of concurrent identifies (``CallBatcher``): the same two steps as ``attempt(_:_:_:)``,
    /// often a fraction of a round trip each. A write whose selection changed takes the
    /// contended path alone; so does one whose batch failed for a reason that may be another
    /// identify's.
    func batchedAttempt(
        _ selection: ContactSelection, _ plan: (consuming SelectedContacts) throws -> CheckedContactPlan,
        until deadline: ContinuousClock.Instant
    ) async throws -> ContactStoreReceipt {
        let read = try await batchedReads.submit(selection, deadline: deadline) { selections, deadline in
            await self.readMany(selections, until: deadline)
        }
        let checked = try stored(plan(read.selected))
        guard !checked.plan.writes.isEmpty else { return ContactStoreReceipt(plan: checked, insertedIDs: []) }
        let keys = Self.readKeys(selection, read.selected).union(Self.writeKeys(checked))
        let write = BatchedWrite(
            selection: selection, fingerprint: try read.requiredFingerprint(), keys: keys, plan: checked)
        let outcome = try await batchedWrites.submit(write, deadline: deadline) { writes, deadline in
            await self.applyMany(writes, until: deadline)
        }
        switch outcome {
        case .written(let insertedIDs):
            return ContactStoreReceipt(plan: checked, insertedIDs: insertedIDs)
        case .selectionChanged:
            return try await ConnectionSession.with(client, deadline: deadline, timeout: options.timeout) { session in
                try await self.lockedAttempt(selection, plan, keys: keys, session)
            }
        case .runAlone:
            return try await ConnectionSession.with(client, deadline: deadline, timeout: options.timeout) { session in
                try await self.attempt(selection, plan, session)
            }
        }
    }

    /// One attempt of ``transaction(reading:_:)`` on one connection.
    func attempt(
        _ selection: ContactSelection, _ plan: (consuming SelectedContacts) throws -> CheckedContactPlan,
        _ session: ConnectionSession
    ) async throws -> ContactStoreReceipt {
        let read = try await select(selection, fingerprinted: true, session)
        let checked = try stored(plan(read.selected))
        guard !checked.plan.writes.isEmpty else { return ContactStoreReceipt(plan: checked, insertedIDs: []) }
        let keys = Self.readKeys(selection, read.selected).union(Self.writeKeys(checked))
        session.setWriting(true)
        let result = try await apply(
            checked, selection: selection, fingerprint: try read.requiredFingerprint(), keys: keys, session)
        guard result.fingerprint != nil else {
            return ContactStoreReceipt(plan: checked, insertedIDs: result.insertedIDs)
        }
        // The selection changed between the read and the write: nothing was written. Under
        // such contention, deciding again on a fresh read could lose the race again and
        // again; lock first instead.
        session.setWriting(false)
        return try await lockedAttempt(selection, plan, keys: keys, session)
    }

    /// The contended path of ``transaction(reading:_:)``, like the store's first design:
    /// in one transaction, takes the keys (`identity_apply` with no plan locks and reads),
    /// decides on what it read under them, writes and commits; four round trips. When the
    /// read or the plan needs keys it does not hold, it rolls back and starts again with
    /// the larger set: it only ever waits for keys in ascending order, holding smaller
    /// ones, so it cannot deadlock.
    func lockedAttempt(
        _ selection: ContactSelection, _ plan: (consuming SelectedContacts) throws -> CheckedContactPlan,
        keys: Set<Int64>, _ session: ConnectionSession
    ) async throws -> ContactStoreReceipt {
        var keys = keys
        for _ in 0..<Self.maximumAttempts {
            session.setDirty(true)
            try await session.perform { connection in try await connection.query("BEGIN", logger: self.logger) }
            do {
                let read = try await apply(nil, selection: selection, fingerprint: "", keys: keys, session)
                let checked = try stored(plan(read.selected))
                let needed = Self.readKeys(selection, read.selected).union(Self.writeKeys(checked))
                var insertedIDs: [Int] = []
                if needed.isSubset(of: keys) && !checked.plan.writes.isEmpty {
                    session.setWriting(true)
                    let result = try await apply(
                        checked, selection: selection, fingerprint: try read.requiredFingerprint(), keys: keys, session)
                    // Every change to the selection needs a key held here, so only a program
                    // writing the table without the store's keys can have changed it: start again.
                    guard result.fingerprint == nil else {
                        session.setWriting(false)
                        try await session.perform { connection in
                            try await connection.query("ROLLBACK", logger: self.logger)
                        }
                        session.setDirty(false)
                        continue
                    }
                    insertedIDs = result.insertedIDs
                }
                guard needed.isSubset(of: keys) else {
                    try await session.perform { connection in
                        try await connection.query("ROLLBACK", logger: self.logger)
                    }
                    session.setDirty(false)
                    keys.formUnion(needed)
                    continue
                }
                try await session.perform { connection in try await connection.query("COMMIT", logger: self.logger) }
                session.setDirty(false)
                return ContactStoreReceipt(plan: checked, insertedIDs: insertedIDs)
            } catch {
                switch error as? PostgresContactStoreError {
                case .connectionLost?, .serverShuttingDown?, .timeout?, .unreachable?:
                    break  // The connection is closed on the way back (the session is dirty).
                default:
                    let rolledBack = try? await session.perform { connection in
                        try await connection.query("ROLLBACK", logger: self.logger)
                    }
                    if rolledBack != nil { session.setDirty(false) }
                }
                throw error
            }
        }
        throw PostgresContactStoreError.lockSetUnstable(attempts: Self.maximumAttempts)
    }

    /// Rows after `afterID` in id order, as stored (chains included), at most `limit`.
    ///
    /// - Throws: ``PostgresContactStoreError/invalidRow(contactID:column:reason:)`` when a
    ///   row's `"linkPrecedence"` is neither `primary` nor `secondary`.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        guard limit > 0 else { return [] }
        return try await run(retryingInDoubt: true) { session in
            try await session.perform { connection in
                try await self.contacts(afterID: afterID, limit: limit, connection)
            }
        }
    }

    private func contacts(afterID: Int, limit: Int, _ connection: PostgresConnection) async throws -> [Contact] {
        let rows = try await connection.query(
            """
            SELECT id::int8, email::text, "phoneNumber"::text, "linkedId"::int8, "linkPrecedence"::text,
                   "createdAt", "updatedAt", "deletedAt"
            FROM \(unescaped: self.layout.qualifiedName) WHERE id > \(afterID) ORDER BY id LIMIT \(limit)
            """, logger: self.logger)
        var contacts: [Contact] = []
        for try await row in rows {
            let (id, email, phone, linkedID, precedence, createdAt, updatedAt, deletedAt) = try row.decode(
                (
                    Int, String?, String?, Int?, String, PostgresTimestamp, PostgresTimestamp,
                    PostgresTimestamp?
                ).self)
            guard let linkPrecedence = LinkPrecedence(rawValue: precedence) else {
                throw PostgresContactStoreError.invalidRow(
                    contactID: id, column: "linkPrecedence",
                    reason: "\(precedence.debugDescription) is neither primary nor secondary")
            }
            contacts.append(
                Contact(
                    id: id, email: email, phoneNumber: phone, linkedId: linkedID, linkPrecedence: linkPrecedence,
                    createdAt: createdAt.date, updatedAt: updatedAt.date, deletedAt: deletedAt?.date))
        }
        return contacts
    }

    /// Links after `after` in ascending order (`createdAt`, then the bytes of `email`, then
    /// of `"phoneNumber"`), at most `limit`.
    ///
    /// `after` need not be a stored link, nor a whole number of microseconds: links are
    /// compared with it as the `Date`s the store reads back, so paging with the last link of
    /// a page, or with a link from another store, skips exactly the links before it.
    ///
    /// - Throws: ``PostgresContactStoreError``.
    public func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        guard limit > 0 else { return [] }
        return try await run(retryingInDoubt: true) { session in
            try await session.perform { connection in
                let rows = try await connection.query(self.linksQuery(after: after, limit: limit), logger: self.logger)
                var links: [ContactLink] = []
                for try await row in rows {
                    let (email, phone, createdAt) = try row.decode((String, String, PostgresTimestamp).self)
                    links.append(ContactLink(email: email, phoneNumber: phone, createdAt: createdAt.date))
                }
                return links
            }
        }
    }

    /// Loads checked rows and links into the empty tables, keeping ids, and moves the id
    /// sequence past them.
    ///
    /// Runs in one transaction that excludes every other transaction of the store (an
    /// advisory lock all of them take in shared mode). Timestamps are rounded to the
    /// table's precision.
    ///
    /// - Throws: ``ContactStoreError/notEmpty`` when either table holds rows, or
    ///   ``PostgresContactStoreError``; nothing is loaded when it throws, except when its
    ///   ``PostgresContactStoreError/mayHaveBeenApplied`` says so (the connection was lost, or
    ///   the deadline passed, while `COMMIT` was in flight: the rows may be there).
    public func importContacts(_ contacts: ContactImport) async throws {
        let table = layout.qualifiedName
        try await withTransaction { connection in
            // Statements that return rows are read to the end: `query` returns at the row
            // description, and an error that comes later would otherwise go unseen (and a
            // COMMIT after it silently rolls back).
            _ = try await connection.query(
                "SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.importBarrier))", logger: self.logger
            ).collect()
            let isEmpty =
                try await connection.query(
                    """
                    SELECT NOT EXISTS (SELECT 1 FROM \(unescaped: table))
                       AND NOT EXISTS (SELECT 1 FROM \(unescaped: self.layout.linksQualifiedName))
                    """, logger: self.logger
                ).collect().first?.decode(Bool.self) ?? false
            guard isEmpty else { throw ContactStoreError.notEmpty }
            let rows = contacts.contacts
            for start in stride(from: 0, to: rows.count, by: 1_000) {
                let chunk = rows[start..<min(start + 1_000, rows.count)]
                try ConnectionSession.checkOpen(connection)
                try await connection.query(self.insertQuery(chunk), logger: self.logger)
            }
            let links = contacts.links
            for start in stride(from: 0, to: links.count, by: 10_000) {
                let chunk = links[start..<min(start + 10_000, links.count)]
                try ConnectionSession.checkOpen(connection)
                try await connection.query(self.insertLinksQuery(chunk), logger: self.logger)
            }
            guard !rows.isEmpty else { return }
            // Never move the sequence backwards: ids the store handed out before stay unused.
            _ = try await connection.query(
                """
                SELECT setval(s.seq, GREATEST(s.maxID, COALESCE(pg_sequence_last_value(s.seq), 0)))
                FROM (SELECT pg_get_serial_sequence(\(table), 'id')::regclass AS seq,
                             (SELECT max(id) FROM \(unescaped: table))::int8 AS maxID) AS s
                """, logger: self.logger
            ).collect()
        }
    }

    // MARK: - Maintenance

    /// Runs `VACUUM` (or `VACUUM FULL`) on the `"Contact"` and `"ContactLink"` tables,
    /// outside a transaction.
    ///
    /// An update or a delete in PostgreSQL leaves the old version of the row in the table's
    /// files. After `forget` or `erase` the values are gone from every row and link the store
    /// reads, but the versions that held them, and their index entries, stay on disk until a
    /// vacuum removes them (autovacuum does, eventually). Neither vacuum can remove a version
    /// that a transaction still running may see.
    ///
    /// - `VACUUM` (the default) removes those versions and index entries and makes their space
    ///   reusable, taking no lock that blocks the store; but PostgreSQL does not overwrite the
    ///   freed space, so their bytes may stay in the pages until new rows reuse it.
    /// - `VACUUM FULL` (`full: true`) rewrites the tables and their indexes into new files
    ///   without them and deletes the old files. It locks both tables exclusively, so every
    ///   call of the store waits until it ends, and it needs room for the copy.
    ///
    /// Neither reaches the write-ahead log, its archives, replicas or backups, nor the
    /// file system's freed blocks. The connection's role must own the tables (or be a
    /// superuser): PostgreSQL skips other tables with a warning, not an error.
    ///
    /// - Parameter full: Whether to rewrite the tables (`VACUUM FULL`).
    /// - Throws: ``PostgresContactStoreError``.
    public func vacuum(full: Bool = false) async throws {
        let sql = "VACUUM \(full ? "FULL " : "")\(layout.qualifiedName), \(layout.linksQualifiedName)"
        let timeout = options.bulkTimeout
        try await ConnectionSession.with(client, deadline: .now + timeout, timeout: timeout) { session in
            try await session.perform { connection in
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
            }
        }
    }

    // MARK: - Calls

    /// Runs `body` with a leased connection under the call's deadline, and runs it again
    /// after a transient failure (see ``PostgresContactStoreError/isTransient``), with
    /// backoff, at most ``PostgresContactStoreOptions/maximumRetries`` times: always when
    /// nothing was written, and when the write is in doubt only if `retryingInDoubt`.
    func run<Result: Sendable>(
        retryingInDoubt: Bool, _ body: (ConnectionSession) async throws -> Result
    ) async throws -> Result {
        let timeout = options.timeout
        let deadline = ContinuousClock.now + timeout
        return try await retrying(inDoubt: retryingInDoubt, until: deadline) {
            try await ConnectionSession.with(client, deadline: deadline, timeout: timeout, body)
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or `deadline` passes (see
    /// ``run(retryingInDoubt:_:)`` for which failures are retried).
    func retrying<Result: Sendable>(
        inDoubt retryingInDoubt: Bool, until deadline: ContinuousClock.Instant,
        _ attempt: () async throws -> Result
    ) async throws -> Result {
        let timeout = options.timeout
        var delay = options.retryDelay
        var retries = 0
        var inDoubt = false
        while true {
            do {
                return try await attempt()
            } catch let error as PostgresContactStoreError {
                inDoubt = inDoubt || error.mayHaveBeenApplied
                if case .timeout = error {
                    throw PostgresContactStoreError.timeout(after: timeout, mayHaveBeenApplied: inDoubt)
                }
                guard error.isTransient, retries < options.maximumRetries, retryingInDoubt || !inDoubt else {
                    throw error
                }
                // Jitter spreads the callers a restart failed at once.
                let wait = delay * Double.random(in: 0.5...1.5)
                guard ContinuousClock.now + wait < deadline else {
                    throw PostgresContactStoreError.timeout(after: timeout, mayHaveBeenApplied: inDoubt)
                }
                try await Task.sleep(for: wait)
                retries += 1
                delay *= 2
            }
        }
    }

    /// Runs `body` in a transaction on a leased connection (one step of a session, under
    /// ``PostgresContactStoreOptions/bulkTimeout``); commits when it returns. A failure once
    /// `COMMIT` has been sent leaves the transaction in doubt: the error says it may have
    /// been applied.
    func withTransaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let timeout = options.bulkTimeout
        return try await ConnectionSession.with(client, deadline: .now + timeout, timeout: timeout) { session in
            try await session.perform { connection in
                try await Self.inTransaction(
                    connection, logger: self.logger, committing: { session.setWriting(true) }, body)
            }
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT`. When it fails, rolls back, unless the
    /// connection itself failed: then nothing more is sent on it (PostgresNIO 1.33.2 would
    /// never answer a query on a closed connection, see the README), it is closed, and the
    /// server rolls the transaction back itself. `BEGIN`, `COMMIT` and `ROLLBACK` go out only
    /// after ``ConnectionSession/checkOpen(_:)``; `committing` runs just before `COMMIT` is sent.
    static func inTransaction<Result: Sendable>(
        _ connection: PostgresConnection, logger: Logger, committing: () -> Void = {},
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try ConnectionSession.checkOpen(connection)
        try await connection.query("BEGIN", logger: logger)
        do {
            let result = try await body(connection)
            try ConnectionSession.checkOpen(connection)
            committing()
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            if isConnectionLevel(error) {
                try? await connection.close()
                throw error
            }
            do {
                try ConnectionSession.checkOpen(connection)
                try await connection.query("ROLLBACK", logger: logger)
            } catch {
                // A connection that cannot roll back must not go back to the pool mid-transaction.
                try? await connection.close()
            }
            throw error
        }
    }

    /// Whether `error` means the connection can no longer be used: the socket closed or
    /// failed, or the server ended the session (`FATAL`, SQLSTATE class `57P`, class `08`).
    static func isConnectionLevel(_ error: any Error) -> Bool {
        if case .connectionLost? = error as? PostgresContactStoreError { return true }
        guard let error = error as? PSQLError else { return false }
        guard error.code == .server else { return error.code != .queryCancelled && error.code != .tooManyParameters }
        let sqlState = error.serverInfo?[.sqlState] ?? ""
        let severity = error.serverInfo?[.severity] ?? ""
        return severity == "FATAL" || severity == "PANIC" || sqlState.hasPrefix("57P") || sqlState.hasPrefix("08")
    }

    /// PostgresNIO's errors as ``PostgresContactStoreError``, classified (see its cases);
    /// `mayHaveBeenApplied` says whether a write was in flight. Other errors unchanged.
    static func translate(_ error: any Error, mayHaveBeenApplied: Bool = false) -> any Error {
        if let error = error as? PSQLError {
            let sqlState = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "no message"
            switch sqlState {
            case "57P02", "57P03":
                return PostgresContactStoreError.serverShuttingDown(
                    sqlState: sqlState, message: message, mayHaveBeenApplied: mayHaveBeenApplied)
            case "40001", "40P01":
                return PostgresContactStoreError.serializationFailure(sqlState: sqlState, message: message)
            case _ where sqlState.hasPrefix("23"):
                return PostgresContactStoreError.constraintViolation(
                    sqlState: sqlState, constraint: error.serverInfo?[.constraintName], message: message)
            case _ where isConnectionLevel(error):
                return PostgresContactStoreError.connectionLost(
                    reason: reason(for: error), mayHaveBeenApplied: mayHaveBeenApplied)
            default:
                return PostgresContactStoreError.server(
                    sqlState: sqlState.isEmpty ? "?????" : sqlState, message: message)
            }
        }
        if let error = error as? PostgresDecodingError {
            return PostgresContactStoreError.invalidRow(
                contactID: nil, column: error.columnName, reason: "cannot decode \(error.postgresType): \(error.code)")
        }
        return error
    }

    /// A description of a connection error without the query's bound values.
    static func reason(for error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        var parts = ["\(error.code)"]
        if let sqlState = error.serverInfo?[.sqlState] { parts.append(sqlState) }
        if let message = error.serverInfo?[.message] { parts.append(message) }
        if let underlying = error.underlying { parts.append(String(describing: underlying)) }
        return parts.joined(separator: ": ")
    }
}
