import Foundation
import GRDB
import IdentityReconciliation

/// The baseline: the same rules written plainly on SQLite through GRDB, the way a Swift
/// developer would write them without this library's stores.
///
/// The task's `Contact` table with indexes on `email`, `phoneNumber` and `linkedId`; a
/// ``DatabasePool`` in WAL mode; one `BEGIN IMMEDIATE` transaction per identify (read the
/// matched groups, decide, insert or `UPDATE` every row of the demoted group, commit).
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
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS "Contact" (
                        "id" INTEGER PRIMARY KEY AUTOINCREMENT,
                        "phoneNumber" TEXT,
                        "email" TEXT,
                        "linkedId" INTEGER REFERENCES "Contact"("id"),
                        "linkPrecedence" TEXT NOT NULL CHECK ("linkPrecedence" IN ('primary', 'secondary')),
                        "createdAt" REAL NOT NULL,
                        "updatedAt" REAL NOT NULL,
                        "deletedAt" REAL
                    );
                    CREATE INDEX IF NOT EXISTS "Contact_email" ON "Contact"("email");
                    CREATE INDEX IF NOT EXISTS "Contact_phoneNumber" ON "Contact"("phoneNumber");
                    CREATE INDEX IF NOT EXISTS "Contact_linkedId" ON "Contact"("linkedId");
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

    func reconcile(
        email: String?,
        phoneNumber: String?,
        decide: @Sendable ([Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit {
        try transaction(email: email, phoneNumber: phoneNumber, decide: decide)
    }

    /// One identify transaction through GRDB's synchronous API: the calling thread runs it
    /// on the writer connection. Like the library's stores, the transaction never suspends;
    /// GRDB's async API would add a hop to its writer queue and back on every request.
    private func transaction(
        email: String?,
        phoneNumber: String?,
        decide: @Sendable ([Contact]) -> ContactChange
    ) throws -> ContactStoreCommit {
        try pool.writeWithoutTransaction { db in
            var commit: ContactStoreCommit?
            try db.inTransaction(.immediate) {
                let matched = try Self.matchedRows(db, email: email, phoneNumber: phoneNumber)
                let change = decide(matched)
                try change.check(against: matched)
                let insertedID = try Self.apply(change, db)
                commit = ContactStoreCommit(
                    change: change, insertedID: insertedID, group: change.applied(to: matched, insertedID: insertedID))
                return .commit
            }
            return commit!
        }
    }

    func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] {
        try await pool.read { db in try Self.matchedRows(db, email: email, phoneNumber: phoneNumber) }
    }

    func group(containingContactID id: Int) async throws -> [Contact] {
        try await pool.read { db in
            let primary = try Int.fetchOne(
                db, sql: #"SELECT COALESCE("linkedId", "id") FROM "Contact" WHERE "id" = ? AND "deletedAt" IS NULL"#,
                arguments: [id])
            guard let primary else { return [] }
            return try Self.members(db, primaries: [primary])
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

    func importContacts(_ contacts: [Contact]) async throws {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: #"SELECT COUNT(*) FROM "Contact""#) == 0 else {
                throw ContactStoreError.notEmpty
            }
            let violations = ContactInvariants.violations(in: contacts)
            guard violations.isEmpty else { throw ContactStoreError.invalidContacts(violations) }
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO "Contact"
                    ("id", "phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt")
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for contact in contacts {
                try statement.execute(arguments: [
                    contact.id, contact.phoneNumber, contact.email, contact.linkedId,
                    contact.linkPrecedence.rawValue, contact.createdAt.timeIntervalSinceReferenceDate,
                    contact.updatedAt.timeIntervalSinceReferenceDate,
                    contact.deletedAt?.timeIntervalSinceReferenceDate,
                ])
            }
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

    // MARK: - SQL

    /// The live rows of every group with a live row holding the email or the phone number.
    private static func matchedRows(_ db: Database, email: String?, phoneNumber: String?) throws -> [Contact] {
        // `= NULL` is never true, so a nil value matches nothing.
        let statement = try db.cachedStatement(
            sql: """
                SELECT DISTINCT COALESCE("linkedId", "id") FROM "Contact"
                WHERE "deletedAt" IS NULL AND ("email" = ? OR "phoneNumber" = ?)
                """)
        let primaries = try Int.fetchAll(statement, arguments: [email, phoneNumber])
        return try members(db, primaries: primaries)
    }

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

    /// Writes a decided change; returns the inserted row's id for inserts.
    private static func apply(_ change: ContactChange, _ db: Database) throws -> Int? {
        switch change {
        case .none:
            return nil
        case .insertPrimary(let email, let phoneNumber, let createdAt):
            return try insert(db, email: email, phoneNumber: phoneNumber, linkedId: nil, createdAt: createdAt)
        case .insertSecondary(let email, let phoneNumber, let primaryID, let createdAt):
            return try insert(db, email: email, phoneNumber: phoneNumber, linkedId: primaryID, createdAt: createdAt)
        case .merge(let primaryID, let demotedPrimaryID, let updatedAt):
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE "Contact" SET "linkedId" = ?1, "linkPrecedence" = 'secondary', "updatedAt" = ?2
                    WHERE "deletedAt" IS NULL AND ("id" = ?3 OR "linkedId" = ?3)
                    """)
            try statement.execute(arguments: [primaryID, updatedAt.timeIntervalSinceReferenceDate, demotedPrimaryID])
            return nil
        }
    }

    private static func insert(
        _ db: Database, email: String?, phoneNumber: String?, linkedId: Int?, createdAt: Date
    ) throws -> Int {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO "Contact" ("phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        let time = createdAt.timeIntervalSinceReferenceDate
        try statement.execute(arguments: [
            phoneNumber, email, linkedId, linkedId == nil ? "primary" : "secondary", time, time,
        ])
        return Int(db.lastInsertedRowID)
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
