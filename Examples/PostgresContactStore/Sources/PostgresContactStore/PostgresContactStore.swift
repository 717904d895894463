public import IdentityReconciliation
public import Logging
public import PostgresNIO

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
    let layout: ContactTableLayout

    /// How often a transaction may restart because the groups it read changed under it.
    static let maximumAttempts = 64

    /// The schema holding the `"Contact"` table.
    public var schema: String { layout.schema }

    init(client: PostgresClient, layout: ContactTableLayout, logger: Logger) {
        self.client = client
        self.layout = layout
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
    ///   - logger: Where PostgresNIO logs; nothing is logged by default.
    /// - Throws: ``PostgresContactStoreError`` when the server is unreachable or the table
    ///   cannot be used.
    public static func open(
        client: PostgresClient,
        schema: String = "public",
        createIfMissing: Bool = true,
        logger: Logger = PostgresContactStore.silentLogger
    ) async throws -> PostgresContactStore {
        let layout = try await Self.withLeasedConnection(client) { connection in
            try await Self.migrate(
                connection: connection, schema: schema, createIfMissing: createIfMissing, logger: logger)
        }
        return PostgresContactStore(client: client, layout: layout, logger: logger)
    }

    /// Connects, prepares the table, runs `body` with a store, and closes the connections.
    ///
    /// - Parameters:
    ///   - settings: Where the server is, for example ``PostgresConnectionSettings/environment(_:)``.
    ///   - schema: The schema holding `"Contact"`.
    ///   - createIfMissing: Whether to create the table when it does not exist.
    ///   - maximumConnections: The most connections the store opens.
    ///   - body: Uses the store; the connections close when it returns.
    /// - Returns: What `body` returns.
    /// - Throws: ``PostgresContactStoreError/unreachable(endpoint:reason:)`` when no
    ///   connection can be made; other ``PostgresContactStoreError`` cases; what `body` throws.
    public static func withStore<Result: Sendable>(
        settings: PostgresConnectionSettings,
        schema: String = "public",
        createIfMissing: Bool = true,
        maximumConnections: Int = 20,
        logger: Logger = PostgresContactStore.silentLogger,
        _ body: (PostgresContactStore) async throws -> Result
    ) async throws -> Result {
        // One direct connection first: it fails at once (the pool would retry for seconds)
        // and runs the migration.
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try settings.connectionConfiguration(), id: 0, logger: logger)
        } catch let error as PostgresContactStoreError {
            throw error
        } catch {
            throw PostgresContactStoreError.unreachable(
                endpoint: settings.description, reason: Self.reason(for: error))
        }
        let layout: ContactTableLayout
        do {
            layout = try await Self.migrate(
                connection: connection, schema: schema, createIfMissing: createIfMissing, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw translate(error)
        }

        let client = PostgresClient(
            configuration: settings.clientConfiguration(maximumConnections: maximumConnections),
            backgroundLogger: logger)
        let store = PostgresContactStore(client: client, layout: layout, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            // Leaving the group cancels run(), which closes the connections.
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// A logger that discards everything.
    public static let silentLogger = Logger(label: "PostgresContactStore", factory: { _ in SwiftLogNoOpLogHandler() })

    // MARK: - ContactStore

    /// Reads a selection (see `ContactSelection`) in one statement, without locks or
    /// writes: it sees one committed snapshot.
    ///
    /// - Throws: ``PostgresContactStoreError``.
    public func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        guard !selection.isEmpty else { return .empty }
        return try await Self.withLeasedConnection(client) { connection in
            try await self.select(selection, connection)
        }
    }

    /// Runs one transaction (see `ContactStore`): locks the selection's values and the
    /// groups it reads (advisory locks, released at commit), reads the selection, calls
    /// `plan` with it, persists the checked plan in one statement and commits.
    ///
    /// The locks are taken in a fixed order, waiting, at the start; keys found missing later
    /// (a group the read reached, a value the plan writes) are only tried, and when one is
    /// busy the transaction ends without writing and starts again, waiting for the larger
    /// key set. `plan` is then called again with fresh rows; the plan of the last call is
    /// persisted. A selection by contact id starts with no key but the import barrier and
    /// locks the group the read finds, like any other group: every change to a live row or a
    /// group is made under its group's key, and a contact id that names no live row can
    /// only become one by an insert, which no plan decided here can depend on (an insert
    /// refers to an existing primary, never to an id yet to come).
    ///
    /// Dates are rounded to the table's precision before the plan is persisted (the plan
    /// is checked again when that changes it), and the receipt reports the rounded plan.
    ///
    /// - Throws: What `plan` throws; ``PostgresContactStoreError``. Nothing is written when
    ///   it throws, except in the in-doubt case described under Durability.
    public func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        var lockSet = Self.valueKeys(email: selection.email, phoneNumber: selection.phoneNumber)
        for _ in 0..<Self.maximumAttempts {
            let attempt: Attempt = try await withTransaction { connection in
                try await self.lock(lockSet, connection)
                var held = lockSet
                for _ in 0..<8 {
                    let selected = try await self.select(selection, connection)
                    var missing = Self.readKeys(selection, selected).subtracting(held)
                    if missing.isEmpty {
                        let checked = try self.stored(plan(selected))
                        missing = Self.writeKeys(checked).subtracting(held)
                        if missing.isEmpty {
                            let ids = try await self.persist(checked, connection)
                            return .committed(ContactStoreReceipt(plan: checked, insertedIDs: ids))
                        }
                    }
                    // The new keys may only be tried here: waiting while holding keys out of
                    // order could deadlock with another transaction. Once taken, the
                    // selection is read again, since what they guard may have changed.
                    held.formUnion(missing)
                    guard try await self.tryLock(missing, connection) else { break }
                }
                return .retry(held)
            }
            switch attempt {
            case .committed(let receipt): return receipt
            case .retry(let keys): lockSet = keys
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
        return try await Self.withLeasedConnection(client) { connection in
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
        return try await Self.withLeasedConnection(client) { connection in
            let rows = try await connection.query(self.linksQuery(after: after, limit: limit), logger: self.logger)
            var links: [ContactLink] = []
            for try await row in rows {
                let (email, phone, createdAt) = try row.decode((String, String, PostgresTimestamp).self)
                links.append(ContactLink(email: email, phoneNumber: phone, createdAt: createdAt.date))
            }
            return links
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
    ///   ``PostgresContactStoreError``; nothing is loaded when it throws.
    public func importContacts(_ contacts: ContactImport) async throws {
        let table = layout.qualifiedName
        try await withTransaction { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.importBarrier))", logger: self.logger)
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
                try await connection.query(self.insertQuery(chunk), logger: self.logger)
            }
            let links = contacts.links
            for start in stride(from: 0, to: links.count, by: 10_000) {
                let chunk = links[start..<min(start + 10_000, links.count)]
                try await connection.query(self.insertLinksQuery(chunk), logger: self.logger)
            }
            guard !rows.isEmpty else { return }
            // Never move the sequence backwards: ids the store handed out before stay unused.
            try await connection.query(
                """
                SELECT setval(s.seq, GREATEST(s.maxID, COALESCE(pg_sequence_last_value(s.seq), 0)))
                FROM (SELECT pg_get_serial_sequence(\(table), 'id')::regclass AS seq,
                             (SELECT max(id) FROM \(unescaped: table))::int8 AS maxID) AS s
                """, logger: self.logger)
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
        try await Self.withLeasedConnection(client) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
        }
    }

    // MARK: - Transactions

    enum Attempt: Sendable {
        case committed(ContactStoreReceipt)
        case retry(Set<Int64>)
    }

    /// Runs `body` in a transaction on a leased connection; commits when it returns.
    func withTransaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await Self.withLeasedConnection(client) { connection in
            try await Self.inTransaction(connection, logger: self.logger, body)
        }
    }

    static func inTransaction<Result: Sendable>(
        _ connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await connection.query("BEGIN", logger: logger)
        do {
            let result = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            do {
                try await connection.query("ROLLBACK", logger: logger)
            } catch {
                // A connection that cannot roll back must not go back to the pool mid-transaction.
                try? await connection.close()
            }
            throw error
        }
    }

    /// Leases a connection and turns PostgresNIO's errors into ``PostgresContactStoreError``.
    ///
    /// Errors thrown by `body` (a transaction's `plan` included) pass through unchanged.
    static func withLeasedConnection<Result: Sendable>(
        _ client: PostgresClient, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                do {
                    return try await body(connection)
                } catch {
                    throw BodyError(error: translate(error))
                }
            }
        } catch let error as BodyError {
            throw error.error
        } catch let error as PostgresContactStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Errors thrown outside `body` come from leasing a connection.
            throw PostgresContactStoreError.unreachable(endpoint: "the client's server", reason: reason(for: error))
        }
    }

    /// An error thrown inside a leased connection's body, told apart from leasing errors.
    private struct BodyError: Error {
        var error: any Error
    }

    /// PostgresNIO's errors as ``PostgresContactStoreError``; other errors unchanged.
    static func translate(_ error: any Error) -> any Error {
        if let error = error as? PSQLError {
            if error.code == .server, let info = error.serverInfo {
                return PostgresContactStoreError.server(
                    sqlState: info[.sqlState] ?? "?????", message: info[.message] ?? "no message")
            }
            return PostgresContactStoreError.connectionLost(reason: reason(for: error))
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
        if let message = error.serverInfo?[.message] { parts.append(message) }
        if let underlying = error.underlying { parts.append(String(describing: underlying)) }
        return parts.joined(separator: ": ")
    }
}
