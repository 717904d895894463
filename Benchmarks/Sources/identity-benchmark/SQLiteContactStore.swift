import Foundation
import GRDB
import IdentityReconciliation

/// The baseline: a ``ContactStore`` on SQLite through GRDB, written the way a Swift developer
/// would write one for this library.
///
/// The task's `Contact` table with indexes on `email`, `phoneNumber` and `linkedId`, and a
/// `ContactLink` table for link evidence; a ``DatabasePool`` in WAL mode; one
/// `BEGIN IMMEDIATE` transaction per identify: read the selected groups, let the library
/// decide and check the plan, then persist it (an `INSERT` per new row, an `UPDATE` by id per
/// changed row, a `DELETE` or `INSERT` per link) and commit. The store decides nothing.
/// Timestamps are stored as `REAL` seconds since 2001-01-01 so that they round-trip exactly.
///
/// With `synchronous = FULL` every commit syncs the WAL (durable when `identify` returns);
/// with `NORMAL` the WAL is synced only at checkpoints (a power loss may lose the last
/// commits, never corrupts the database).
final class SQLiteContactStore: ContactStore {
    /// SQLite's `PRAGMA synchronous` levels the benchmark compares.
    enum Synchronous: String, Sendable {
        case full = "FULL"
        case normal = "NORMAL"
    }

    let pool: DatabasePool
    let path: String

    /// Opens (creating if needed) the database at `path`.
    ///
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated.
    init(path: String, synchronous: Synchronous) throws {
        self.path = path
        var configuration = Configuration()
        // Writers wait for each other instead of failing with SQLITE_BUSY.
        configuration.busyMode = .timeout(60)
        pool = try DatabasePool(path: path, configuration: configuration)
        // DatabasePool sets `synchronous = NORMAL` on its writer when it enables WAL; the
        // setting is per connection, and only the writer commits.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            // The foreign key is checked at commit: an imported secondary may come before its
            // primary in id order.
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS "Contact" (
                        "id" INTEGER PRIMARY KEY AUTOINCREMENT,
                        "phoneNumber" TEXT,
                        "email" TEXT,
                        "linkedId" INTEGER REFERENCES "Contact"("id") DEFERRABLE INITIALLY DEFERRED,
                        "linkPrecedence" TEXT NOT NULL CHECK ("linkPrecedence" IN ('primary', 'secondary')),
                        "createdAt" REAL NOT NULL,
                        "updatedAt" REAL NOT NULL,
                        "deletedAt" REAL
                    );
                    CREATE INDEX IF NOT EXISTS "Contact_email" ON "Contact"("email");
                    CREATE INDEX IF NOT EXISTS "Contact_phoneNumber" ON "Contact"("phoneNumber");
                    CREATE INDEX IF NOT EXISTS "Contact_linkedId" ON "Contact"("linkedId");
                    CREATE TABLE IF NOT EXISTS "ContactLink" (
                        "email" TEXT NOT NULL,
                        "phoneNumber" TEXT NOT NULL,
                        "createdAt" REAL NOT NULL
                    );
                    CREATE UNIQUE INDEX IF NOT EXISTS "ContactLink_email"
                        ON "ContactLink"("email", "phoneNumber", "createdAt");
                    CREATE INDEX IF NOT EXISTS "ContactLink_phoneNumber" ON "ContactLink"("phoneNumber");
                    """)
        }
        let actual = try pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        // PRAGMA synchronous reads back 2 for FULL and 1 for NORMAL.
        let expected = synchronous == .full ? 2 : 1
        guard actual == expected else {
            throw DatabaseError(message: "PRAGMA synchronous is \(actual ?? -1), expected \(expected)")
        }
    }

    func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        guard !selection.isEmpty else { return .empty }
        return try await pool.read { db in try Self.select(db, selection) }
    }

    func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        try run(reading: selection, plan)
    }

    /// One transaction through GRDB's synchronous API: the calling thread runs it on the
    /// writer connection. Like the library's stores, the transaction never suspends; GRDB's
    /// async API would add a hop to its writer queue and back on every request.
    private func run(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) throws -> ContactStoreReceipt {
        try pool.writeWithoutTransaction { db in
            var receipt: ContactStoreReceipt?
            // A throwing `plan` rolls the transaction back.
            try db.inTransaction(.immediate) {
                let checked = try plan(try Self.select(db, selection))
                receipt = ContactStoreReceipt(plan: checked, insertedIDs: try Self.persist(checked, db))
                return .commit
            }
            return receipt!
        }
    }

    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        guard limit > 0 else { return [] }
        // REAL seconds compare exactly; text compares by bytes (BINARY collation), as `ContactLink.<` does.
        return try await pool.read { db in
            let rows: [Row]
            if let after {
                let time = after.createdAt.timeIntervalSinceReferenceDate
                rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT "email", "phoneNumber", "createdAt" FROM "ContactLink"
                            WHERE ("createdAt", "email", "phoneNumber") > (?, ?, ?)
                            ORDER BY "createdAt", "email", "phoneNumber" LIMIT ?
                            """), arguments: [time, after.email, after.phoneNumber, limit])
            } else {
                rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT "email", "phoneNumber", "createdAt" FROM "ContactLink"
                            ORDER BY "createdAt", "email", "phoneNumber" LIMIT ?
                            """), arguments: [limit])
            }
            return rows.map {
                ContactLink(email: $0[0], phoneNumber: $0[1], createdAt: Date(timeIntervalSinceReferenceDate: $0[2]))
            }
        }
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        guard limit > 0 else { return [] }
        return try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: #"SELECT * FROM "Contact" WHERE "id" > ? ORDER BY "id" LIMIT ?"#)
            return try Row.fetchAll(statement, arguments: [afterID, limit]).map(Self.contact)
        }
    }

    func importContacts(_ contacts: ContactImport) async throws {
        try await pool.write { db in
            let holdsAnything = try Bool.fetchOne(
                db, sql: #"SELECT EXISTS (SELECT 1 FROM "Contact") OR EXISTS (SELECT 1 FROM "ContactLink")"#)
            guard holdsAnything == false else { throw ContactStoreError.notEmpty }
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO "Contact"
                    ("id", "phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt")
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for contact in contacts.contacts {
                try statement.execute(arguments: Self.columns(of: contact))
            }
            for link in contacts.links { try Self.insert(link, db) }
        }
    }

    /// Checkpoints the WAL into the database file and returns the file's size in bytes.
    func checkpointedSize() throws -> Int {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? Int) ?? 0
    }

    // MARK: - Reading

    /// What `selection` selects (see ``ContactSelection``).
    private static func select(_ db: Database, _ selection: ContactSelection) throws -> SelectedContacts {
        var primaries = try matchedPrimaries(db, email: selection.email, phoneNumber: selection.phoneNumber)
        if let id = selection.contactID {
            let statement = try db.cachedStatement(
                sql: #"SELECT COALESCE("linkedId", "id") FROM "Contact" WHERE "id" = ? AND "deletedAt" IS NULL"#)
            if let primary = try Int.fetchOne(statement, arguments: [id]), !primaries.contains(primary) {
                primaries.append(primary)
            }
        }
        var rows = try members(db, primaries: primaries)
        if selection.includesDeletedRows {
            rows += try deletedRows(db, selection, live: rows)
        }
        guard selection.includesLinks else { return SelectedContacts(rows: rows) }
        return SelectedContacts(rows: rows, links: try links(db, selection, rows: rows))
    }

    /// The primaries of the groups with a live row holding the email or the phone number.
    private static func matchedPrimaries(_ db: Database, email: String?, phoneNumber: String?) throws -> [Int] {
        guard email != nil || phoneNumber != nil else { return [] }
        // `= NULL` is never true, so a nil value matches nothing.
        let statement = try db.cachedStatement(
            sql: """
                SELECT DISTINCT COALESCE("linkedId", "id") FROM "Contact"
                WHERE "deletedAt" IS NULL AND ("email" = ? OR "phoneNumber" = ?)
                """)
        return try Int.fetchAll(statement, arguments: [email, phoneNumber])
    }

    /// The live rows of the groups with these primaries.
    private static func members(_ db: Database, primaries: [Int]) throws -> [Contact] {
        var rows: [Contact] = []
        let statement = try db.cachedStatement(
            sql: #"SELECT * FROM "Contact" WHERE "deletedAt" IS NULL AND ("id" = ?1 OR "linkedId" = ?1)"#)
        for primary in primaries {
            let cursor = try Row.fetchCursor(statement, arguments: [primary])
            while let row = try cursor.next() { rows.append(contact(row)) }
        }
        return rows
    }

    /// The deleted rows related to a selection: those holding one of its values or a value of
    /// a selected live row, those linked to a selected live row, and the row `contactID`.
    private static func deletedRows(_ db: Database, _ selection: ContactSelection, live: [Contact]) throws -> [Contact]
    {
        var emails = UniqueValues<String>()
        var phoneNumbers = UniqueValues<String>()
        emails.append(selection.email)
        phoneNumbers.append(selection.phoneNumber)
        for row in live {
            emails.append(row.email)
            phoneNumbers.append(row.phoneNumber)
        }
        var found: [Int: Contact] = [:]
        func fetch(_ sql: String, _ values: [some DatabaseValueConvertible]) throws {
            guard !values.isEmpty else { return }
            let statement = try db.cachedStatement(sql: sql)
            for value in values {
                let cursor = try Row.fetchCursor(statement, arguments: [value])
                while let row = try cursor.next() {
                    let deleted = contact(row)
                    found[deleted.id] = deleted
                }
            }
        }
        try fetch(#"SELECT * FROM "Contact" WHERE "email" = ? AND "deletedAt" IS NOT NULL"#, emails.values)
        try fetch(
            #"SELECT * FROM "Contact" WHERE "phoneNumber" = ? AND "deletedAt" IS NOT NULL"#, phoneNumbers.values)
        try fetch(#"SELECT * FROM "Contact" WHERE "linkedId" = ? AND "deletedAt" IS NOT NULL"#, live.map(\.id))
        if let id = selection.contactID {
            try fetch(#"SELECT * FROM "Contact" WHERE "id" = ? AND "deletedAt" IS NOT NULL"#, [id])
        }
        return found.values.sorted { $0.id < $1.id }
    }

    /// The links holding a value of the selection or of a selected live row.
    private static func links(_ db: Database, _ selection: ContactSelection, rows: [Contact]) throws -> [ContactLink] {
        var emails = UniqueValues<String>()
        var phoneNumbers = UniqueValues<String>()
        emails.append(selection.email)
        phoneNumbers.append(selection.phoneNumber)
        for row in rows where row.isLive {
            emails.append(row.email)
            phoneNumbers.append(row.phoneNumber)
        }
        var found = UniqueValues<ContactLink>()
        func fetch(_ sql: String, _ values: [String]) throws {
            guard !values.isEmpty else { return }
            let statement = try db.cachedStatement(sql: sql)
            for value in values {
                let cursor = try Row.fetchCursor(statement, arguments: [value])
                while let row = try cursor.next() {
                    found.append(
                        ContactLink(
                            email: row[0], phoneNumber: row[1],
                            createdAt: Date(timeIntervalSinceReferenceDate: row[2])))
                }
            }
        }
        try fetch(#"SELECT "email", "phoneNumber", "createdAt" FROM "ContactLink" WHERE "email" = ?"#, emails.values)
        try fetch(
            #"SELECT "email", "phoneNumber", "createdAt" FROM "ContactLink" WHERE "phoneNumber" = ?"#,
            phoneNumbers.values)
        return found.values
    }

    // MARK: - Writing

    /// Persists a checked plan: every changed row by id, then the links, then the new rows.
    ///
    /// - Returns: The ids SQLite assigned to the inserted rows, in order.
    private static func persist(_ plan: CheckedContactPlan, _ db: Database) throws -> [Int] {
        if !plan.updatedRows.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE "Contact" SET "phoneNumber" = ?, "email" = ?, "linkedId" = ?, "linkPrecedence" = ?,
                    "createdAt" = ?, "updatedAt" = ?, "deletedAt" = ?
                    WHERE "id" = ?
                    """)
            for row in plan.updatedRows {
                try statement.execute(arguments: columns(of: row, idLast: true))
            }
        }
        if !plan.removedLinks.isEmpty {
            let statement = try db.cachedStatement(
                sql: #"DELETE FROM "ContactLink" WHERE "email" = ? AND "phoneNumber" = ? AND "createdAt" = ?"#)
            for link in plan.removedLinks {
                try statement.execute(arguments: [
                    link.email, link.phoneNumber, link.createdAt.timeIntervalSinceReferenceDate,
                ])
            }
        }
        for link in plan.addedLinks { try insert(link, db) }
        guard plan.insertCount > 0 else { return [] }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO "Contact" ("phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        var ids: [Int] = []
        ids.reserveCapacity(plan.insertCount)
        // The new rows as the plan defines them; SQLite assigns the ids (AUTOINCREMENT: greater
        // than any id the table has held, imported ones included), so the 0s are placeholders.
        for row in plan.insertedRows(ids: Array(repeating: 0, count: plan.insertCount)) {
            try statement.execute(arguments: [
                row.phoneNumber, row.email, row.linkedId, row.linkPrecedence.rawValue,
                row.createdAt.timeIntervalSinceReferenceDate, row.updatedAt.timeIntervalSinceReferenceDate,
            ])
            ids.append(Int(db.lastInsertedRowID))
        }
        return ids
    }

    /// Inserts one link.
    private static func insert(_ link: ContactLink, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: #"INSERT INTO "ContactLink" ("email", "phoneNumber", "createdAt") VALUES (?, ?, ?)"#)
        try statement.execute(arguments: [link.email, link.phoneNumber, link.createdAt.timeIntervalSinceReferenceDate])
    }

    /// A row's column values in the table's declaration order, the id first or (for the
    /// `UPDATE … WHERE "id" = ?` statement) last.
    private static func columns(of contact: Contact, idLast: Bool = false) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            contact.phoneNumber, contact.email, contact.linkedId, contact.linkPrecedence.rawValue,
            contact.createdAt.timeIntervalSinceReferenceDate, contact.updatedAt.timeIntervalSinceReferenceDate,
            contact.deletedAt?.timeIntervalSinceReferenceDate,
        ]
        return StatementArguments(idLast ? values + [contact.id] : [contact.id] + values)
    }

    /// Decodes a `SELECT *` row by column position (the table's declaration order).
    private static func contact(_ row: Row) -> Contact {
        Contact(
            id: row[0],
            email: row[2],
            phoneNumber: row[1],
            linkedId: row[3],
            linkPrecedence: (row[4] as String) == "primary" ? .primary : .secondary,
            createdAt: Date(timeIntervalSinceReferenceDate: row[5]),
            updatedAt: Date(timeIntervalSinceReferenceDate: row[6]),
            deletedAt: (row[7] as Double?).map(Date.init(timeIntervalSinceReferenceDate:)))
    }
}

/// Values in the order first appended, each once; `nil` is skipped.
private struct UniqueValues<Value: Hashable> {
    private(set) var values: [Value] = []
    private var seen = Set<Value>()

    mutating func append(_ value: Value?) {
        if let value, seen.insert(value).inserted { values.append(value) }
    }
}
