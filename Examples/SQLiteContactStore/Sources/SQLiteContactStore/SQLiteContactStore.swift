public import GRDB
public import IdentityReconciliation

/// A ``ContactStore`` on SQLite through GRDB, in the task's `"Contact"` table (and a
/// `"ContactLink"` table for link evidence).
///
/// Like every store it decides nothing: it reads what a `ContactSelection` selects and
/// persists the `CheckedContactPlan` the library hands it, in one transaction.
///
/// ```swift
/// let store = try SQLiteContactStore(path: "contacts.sqlite")
/// let resolver = IdentityResolver(store: store)
/// let result = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
/// print(result.contact.primaryContactID)
/// ```
///
/// **Schema.** The initializer creates the `"Contact"` table (the task's columns) and its
/// indexes on `email`, `phoneNumber` and `linkedId` when missing. An existing table, such as
/// one a Bitespeed service wrote, is used as it is: the store checks that it has the eight
/// columns and that `id` is its `INTEGER PRIMARY KEY`, and throws
/// ``SQLiteContactStoreError/incompatibleTable(table:column:reason:)`` otherwise, changing
/// nothing. It then adds the three indexes and the `"ContactLink"` table if they are missing,
/// and switches the file to WAL mode. Timestamps are read in any of the forms of
/// ``SQLiteTimestampFormat`` and written in the table's own.
///
/// **Concurrency.** A `DatabasePool`: reads run on a snapshot, concurrently with each
/// other and with the writer; each transaction is one `BEGIN IMMEDIATE` transaction on the
/// single writer connection, so transactions from any number of tasks, or of processes
/// sharing the file, run one after another.
///
/// **Durability.** With ``Synchronous/full`` (the default) every commit syncs the WAL: a
/// plan is durable when ``transaction(reading:_:)`` returns. With ``Synchronous/normal`` the
/// WAL is synced only at checkpoints: a power loss may lose the last transactions, never
/// corrupts the database.
///
/// **Invariants.** Lookups follow `linkedId` one step, as the task's rules assume (a
/// secondary links to a primary). A table another program left with chains (a secondary
/// linked to a secondary) should be repaired first: export it, repair it with
/// `ContactTableRepair`, and import it into an empty store (see the library's article
/// "Migrating an Existing Contact Table").
public final class SQLiteContactStore: ContactStore {
    /// SQLite's `PRAGMA synchronous` levels the store supports.
    public enum Synchronous: String, Sendable, Hashable {
        /// Every commit syncs the write-ahead log.
        case full = "FULL"
        /// The write-ahead log is synced at checkpoints only.
        case normal = "NORMAL"
    }

    /// The connection pool; use it to run your own queries against the same file.
    public let pool: DatabasePool
    /// The database file's path.
    public let path: String
    /// How new timestamps are written.
    public let timestampFormat: SQLiteTimestampFormat

    /// Opens the database at `path`, creating the file and the tables when missing.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - synchronous: When commits are synced (see ``SQLiteContactStore``).
    ///   - timestampFormat: How new timestamps are written; `nil` keeps the form of the
    ///     existing table's first row, and uses ``SQLiteTimestampFormat/unixMilliseconds``
    ///     for a new or empty table.
    /// - Throws: ``SQLiteContactStoreError/incompatibleTable(table:column:reason:)`` when an
    ///   existing `"Contact"` table cannot be used; GRDB's `DatabaseError` when the file
    ///   cannot be opened or written.
    public init(path: String, synchronous: Synchronous = .full, timestampFormat: SQLiteTimestampFormat? = nil) throws {
        self.path = path
        var configuration = Configuration()
        // Writers (other processes included) wait for each other instead of failing with SQLITE_BUSY.
        configuration.busyMode = .timeout(60)
        pool = try DatabasePool(path: path, configuration: configuration)
        self.timestampFormat = try pool.write { db in try Self.prepareSchema(db, format: timestampFormat) }
        // DatabasePool sets `synchronous = NORMAL` on its writer when it enables WAL; the
        // setting is per connection, and only the writer commits.
        let actual = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        // PRAGMA synchronous reads back 2 for FULL and 1 for NORMAL.
        guard actual == (synchronous == .full ? 2 : 1) else {
            throw SQLiteContactStoreError.synchronousNotApplied(requested: synchronous.rawValue, actual: actual)
        }
    }

    /// Reads a selection on a snapshot of the database.
    ///
    /// - Throws: GRDB's `DatabaseError`; ``SQLiteContactStoreError/invalidRow(table:id:column:reason:)``.
    public func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        guard !selection.isEmpty else { return .empty }
        return try await pool.read { db in try self.select(db, selection) }
    }

    /// Runs one `BEGIN IMMEDIATE` transaction: reads the selection, calls `plan`, persists
    /// the checked plan and commits; rolls back when anything throws.
    ///
    /// - Throws: What `plan` throws; GRDB's `DatabaseError`;
    ///   ``SQLiteContactStoreError/invalidRow(table:id:column:reason:)``.
    public func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        try run(reading: selection, plan)
    }

    /// The transaction on GRDB's synchronous API: the calling thread runs it on the writer
    /// connection. Like the library's stores the transaction never suspends; the async API
    /// would add a hop to the writer's queue and back on every request.
    private func run(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) throws -> ContactStoreReceipt {
        try pool.writeWithoutTransaction { db in
            try db.beginTransaction(.immediate)
            do {
                let checked = try plan(try select(db, selection))
                let ids = try persist(checked, db)
                try db.commit()
                return ContactStoreReceipt(plan: checked, insertedIDs: ids)
            } catch {
                // The error that stopped the transaction is the one to report; SQLite may
                // already have rolled back (a full disk does), which makes this one fail.
                try? db.rollback()
                throw error
            }
        }
    }

    /// Rows in ascending id order, soft-deleted ones included.
    ///
    /// - Throws: GRDB's `DatabaseError`; ``SQLiteContactStoreError/invalidRow(table:id:column:reason:)``.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        guard limit > 0 else { return [] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: #"SELECT \#(Self.contactColumns) FROM "Contact" WHERE "id" > ? ORDER BY "id" LIMIT ?"#)
            return try Row.fetchAll(statement, arguments: [afterID, limit]).map(self.contact)
        }
    }

    /// Links in ascending order (`createdAt`, then email and phone number byte by byte).
    ///
    /// - Throws: GRDB's `DatabaseError`; ``SQLiteContactStoreError/invalidRow(table:id:column:reason:)``.
    public func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        guard limit > 0 else { return [] }
        // Integer milliseconds compare exactly; text compares by bytes (BINARY collation), as `ContactLink.<` does.
        return try await pool.read { db in
            guard let after else {
                let statement = try db.cachedStatement(
                    sql: #"SELECT \#(Self.linkColumns) FROM "ContactLink" ORDER BY \#(Self.linkColumns) LIMIT ?"#)
                return try Row.fetchAll(statement, arguments: [limit]).map(Self.link)
            }
            let statement = try db.cachedStatement(
                sql: """
                    SELECT \(Self.linkColumns) FROM "ContactLink" WHERE (\(Self.linkColumns)) > (?, ?, ?)
                    ORDER BY \(Self.linkColumns) LIMIT ?
                    """)
            let arguments: StatementArguments = [
                SQLiteTimestampFormat.milliseconds(after.createdAt), after.email, after.phoneNumber, limit,
            ]
            return try Row.fetchAll(statement, arguments: arguments).map(Self.link)
        }
    }

    /// Loads rows and links into an empty store in one transaction, keeping their ids.
    ///
    /// - Throws: `ContactStoreError.notEmpty` when the store holds rows or links; GRDB's
    ///   `DatabaseError`. Nothing is loaded when it throws.
    public func importContacts(_ contacts: ContactImport) async throws {
        try await pool.write { db in
            let holdsAnything = try Bool.fetchOne(
                db, sql: #"SELECT EXISTS (SELECT 1 FROM "Contact") OR EXISTS (SELECT 1 FROM "ContactLink")"#)
            guard holdsAnything == false else { throw ContactStoreError.notEmpty }
            let statement = try db.cachedStatement(
                sql: #"INSERT INTO "Contact" (\#(Self.contactColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"#)
            for contact in contacts.contacts {
                try statement.execute(arguments: self.arguments(for: contact, idLast: false))
            }
            for link in contacts.links { try Self.insert(link, db) }
        }
    }

    /// Copies the write-ahead log into the database file and truncates the log, so that the
    /// file alone holds every committed transaction (to copy it, or to measure its size).
    ///
    /// - Throws: GRDB's `DatabaseError`.
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }
}
