public import IdentityReconciliation
public import Logging
public import PostgresNIO

/// A ``ContactStore`` on PostgreSQL, in the task's `"Contact"` table, shared by any number
/// of processes.
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
/// when it cannot be used.
///
/// **Concurrency.** Each identify is one transaction that takes transaction-scoped advisory
/// locks on the normalized email and phone number and on every group it reads, in a fixed
/// order, before it decides; two processes identifying overlapping values therefore never
/// create two primaries for one person and never lose a merge. See the package's README
/// for the argument.
///
/// **Durability.** A transaction has committed when ``reconcile(email:phoneNumber:decide:)``
/// returns, as durable as the server's `synchronous_commit` setting makes it. If the
/// connection breaks while `COMMIT` is in flight, the method throws
/// ``PostgresContactStoreError/connectionLost(reason:)`` and cannot know whether the server
/// committed; repeating the identify is safe because identify is idempotent.
///
/// **Timestamps** are stored in whole microseconds (or the columns' declared precision):
/// dates are rounded before they are written, and the rows the store reports are the
/// rounded ones.
///
/// **Chains.** A table written by other software may hold a secondary that links to
/// another secondary. Lookups follow `linkedId` up to the oldest ancestor and treat the
/// whole tree as one group under it (``contacts(afterID:limit:)`` returns rows as stored);
/// a merge relinks every row of the demoted tree directly. Repairing the table is the job
/// of an import tool; rows on a `linkedId` cycle match nothing.
public final class PostgresContactStore: ContactStore {
    /// The connection pool the store runs its statements on.
    public let client: PostgresClient
    /// The logger passed to PostgresNIO for each statement.
    public let logger: Logger
    let layout: ContactTableLayout

    /// How often an identify may restart because the groups it read changed under it.
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

    /// Runs one identify transaction (see ``ContactStore``).
    ///
    /// Locks the request's values and the groups they match (advisory locks, released at
    /// commit), reads the matched rows, calls `decide` exactly once with them, applies the
    /// change and commits.
    ///
    /// - Throws: ``PostgresContactStoreError``, or `ContactStoreError.invalidChange` when
    ///   `decide` returns a change that would break the invariants; nothing is written when it
    ///   throws, except in the in-doubt case described under Durability.
    public func reconcile(
        email: String?,
        phoneNumber: String?,
        decide: @Sendable (_ matched: [Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit {
        var valueKeys = Set<Int64>()
        if let email { valueKeys.insert(AdvisoryLockKey.email(email)) }
        if let phoneNumber { valueKeys.insert(AdvisoryLockKey.phoneNumber(phoneNumber)) }
        var lockSet = valueKeys
        for _ in 0..<Self.maximumAttempts {
            let attempt: Attempt = try await transaction { connection in
                try await self.lock(lockSet, connection)
                var held = lockSet
                for _ in 0..<8 {
                    let matched = try await self.groupRows(
                        connection, seed: "(email = $1 OR \"phoneNumber\" = $2)",
                        binds: {
                            $0.append(email); $0.append(phoneNumber)
                        })
                    let needed = valueKeys.union(matched.map { AdvisoryLockKey.group($0.primaryID) })
                    let missing = needed.subtracting(held)
                    if missing.isEmpty {
                        let change = self.stored(decide(matched))
                        try change.check(against: matched)
                        return .committed(try await self.apply(change, to: matched, connection))
                    }
                    // The groups may only be locked without waiting here: waiting while
                    // holding keys out of order could deadlock with another identify.
                    held.formUnion(missing)
                    guard try await self.tryLock(missing, connection) else { break }
                }
                return .retry(held)
            }
            switch attempt {
            case .committed(let commit): return commit
            case .retry(let keys): lockSet = keys
            }
        }
        throw PostgresContactStoreError.lockSetUnstable(attempts: Self.maximumAttempts)
    }

    /// The matched rows (see ``ContactStore``), in one statement, without locks or writes.
    public func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] {
        guard email != nil || phoneNumber != nil else { return [] }
        return try await Self.withLeasedConnection(client) { connection in
            try await self.groupRows(
                connection, seed: "(email = $1 OR \"phoneNumber\" = $2)",
                binds: {
                    $0.append(email); $0.append(phoneNumber)
                })
        }
    }

    /// The live rows of the group containing the live row `id`, in one statement.
    public func group(containingContactID id: Int) async throws -> [Contact] {
        try await Self.withLeasedConnection(client) { connection in
            try await self.groupRows(connection, seed: "id = $1", binds: { $0.append(id) })
        }
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

    /// Loads rows into the empty table, keeping ids, and moves the id sequence past them.
    ///
    /// Runs in one transaction that excludes every identify (an advisory lock all of them
    /// take in shared mode). Timestamps are rounded to the table's precision.
    ///
    /// - Throws: ``ContactStoreError/invalidContacts(_:)``, ``ContactStoreError/notEmpty``,
    ///   or ``PostgresContactStoreError``; nothing is loaded when it throws.
    public func importContacts(_ contacts: [Contact]) async throws {
        let violations = ContactInvariants.violations(in: contacts)
        guard violations.isEmpty else { throw ContactStoreError.invalidContacts(violations) }
        let table = layout.qualifiedName
        try await transaction { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.importBarrier))", logger: self.logger)
            let existing =
                try await connection.query(
                    "SELECT count(*)::int8 FROM (SELECT 1 FROM \(unescaped: table) LIMIT 1) AS anyRow",
                    logger: self.logger
                ).collect().first?.decode(Int.self) ?? 0
            guard existing == 0 else { throw ContactStoreError.notEmpty }
            guard !contacts.isEmpty else { return }
            let sorted = contacts.sorted { $0.id < $1.id }
            var start = 0
            while start < sorted.count {
                let chunk = sorted[start..<min(start + 1_000, sorted.count)]
                try await connection.query(self.insertQuery(chunk), logger: self.logger)
                start += chunk.count
            }
            // Never move the sequence backwards: ids the store handed out before stay unused.
            try await connection.query(
                """
                SELECT setval(s.seq, GREATEST(s.maxID, COALESCE(pg_sequence_last_value(s.seq), 0)))
                FROM (SELECT pg_get_serial_sequence(\(table), 'id')::regclass AS seq,
                             (SELECT max(id) FROM \(unescaped: table))::int8 AS maxID) AS s
                """, logger: self.logger)
        }
    }

    // MARK: - Transactions

    enum Attempt: Sendable {
        case committed(ContactStoreCommit)
        case retry(Set<Int64>)
    }

    /// Runs `body` in a transaction on a leased connection; commits when it returns.
    func transaction<Result: Sendable>(
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
    static func withLeasedConnection<Result: Sendable>(
        _ client: PostgresClient, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                do {
                    return try await body(connection)
                } catch {
                    throw translate(error)
                }
            }
        } catch let error as PostgresContactStoreError {
            throw error
        } catch let error as ContactStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Errors thrown outside `body` come from leasing a connection.
            throw PostgresContactStoreError.unreachable(endpoint: "the client's server", reason: reason(for: error))
        }
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
