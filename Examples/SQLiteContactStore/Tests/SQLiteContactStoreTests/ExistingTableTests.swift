import Foundation
import GRDB
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

@testable import SQLiteContactStore

/// Tables another program created, as Bitespeed services do.
@Suite("Existing tables")
struct ExistingTableTests {
    /// A `"Contact"` table as Prisma (integer milliseconds) or TypeORM (UTC text) creates it
    /// for the task, holding the official example and a deleted row; 23 is not the last id.
    static func createTable(at path: String, format: SQLiteTimestampFormat) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE "Contact" (
                        "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
                        "phoneNumber" TEXT,
                        "email" TEXT,
                        "linkedId" INTEGER,
                        "linkPrecedence" TEXT NOT NULL,
                        "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                        "updatedAt" DATETIME NOT NULL,
                        "deletedAt" DATETIME
                    )
                    """)
            let rows: [(Int, String, String, Int?, String, String, String?)] = [
                (1, "lorraine@hillvalley.edu", "123456", nil, "primary", "2023-04-01T00:00:00.374Z", nil),
                (23, "mcfly@hillvalley.edu", "123456", 1, "secondary", "2023-04-20T05:30:00.110Z", nil),
                (11, "george@hillvalley.edu", "919191", nil, "primary", "2023-04-11T00:00:00.000Z", nil),
                (27, "biffsucks@hillvalley.edu", "717171", nil, "primary", "2023-04-21T05:30:00.000Z", nil),
                (40, "gone@x.io", "999", nil, "primary", "2023-04-02T00:00:00.000Z", "2023-05-01T00:00:00.000Z"),
            ]
            for (id, email, phone, linkedId, precedence, created, deleted) in rows {
                func stored(_ text: String?) -> DatabaseValue {
                    guard let text else { return .null }
                    let milliseconds = SQLiteTimestampFormat.milliseconds(Self.utc(text))
                    return format == .text
                        ? SQLiteTimestampFormat.text(milliseconds: milliseconds).databaseValue
                        : milliseconds.databaseValue
                }
                try db.execute(
                    sql: """
                        INSERT INTO "Contact"
                        ("id", "email", "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt")
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, email, phone, linkedId, precedence, stored(created), stored(created), stored(deleted),
                    ])
            }
        }
    }

    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)!
    }

    @Test(arguments: SQLiteTimestampFormat.allCases)
    func bitespeedTableIsUsedAsItIs(format: SQLiteTimestampFormat) async throws {
        let database = try TemporaryDatabase()
        try Self.createTable(at: database.path, format: format)
        let store = try SQLiteContactStore(path: database.path)
        #expect(store.timestampFormat == format)

        let stored = try await store.contacts(afterID: 0, limit: 100)
        #expect(stored.map(\.id) == [1, 11, 23, 27, 40])
        #expect(stored[0].createdAt == Self.utc("2023-04-01T00:00:00.374Z"))
        #expect(stored[2].createdAt == Self.utc("2023-04-20T05:30:00.110Z"))
        #expect(stored[2].linkedId == 1 && stored[2].linkPrecedence == .secondary)
        #expect(stored[4].deletedAt == Self.utc("2023-05-01T00:00:00.000Z"))
        try InvariantChecker.check(stored)

        let clock = ManualClock(start: Self.utc("2023-06-01T00:00:00.000Z"), step: 1)
        let resolver = IdentityResolver(store: store, clock: clock)
        let lorraine = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        #expect(lorraine.outcome == .unchanged)
        #expect(lorraine.contact.secondaryContactIDs == [23])
        #expect(try await resolver.contact(email: "gone@x.io") == nil)

        // The task's merge example, then a new row after the largest id.
        let merged = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "717171")
        #expect(merged.outcome == .merged(primaryID: 11, demotedPrimaryID: 27))
        let fresh = try await resolver.identify(email: "doc@hillvalley.edu", phoneNumber: nil)
        #expect(fresh.outcome == .createdPrimary(contactID: 41))

        // Written in the table's own form, so the program that owns it keeps reading it.
        let types = try await store.pool.read { db in
            try String.fetchAll(db, sql: #"SELECT DISTINCT typeof("updatedAt") FROM "Contact""#)
        }
        #expect(types == [format == .text ? "text" : "integer"])
        let biff = try #require(try await store.contacts(afterID: 26, limit: 1).first)
        #expect(biff.linkedId == 11 && biff.updatedAt == Self.utc("2023-06-01T00:00:01.000Z"))
        try InvariantChecker.check(try await store.contacts(afterID: 0, limit: 100))
    }

    @Test func dateOnlyTextIsMidnightUTC() async throws {
        let database = try TemporaryDatabase()
        try Self.createTable(at: database.path, format: .text)
        try await DatabaseQueue(path: database.path).write { db in
            try db.execute(sql: #"UPDATE "Contact" SET "createdAt" = '2023-01-01' WHERE "id" = 1"#)
        }
        let row = try await SQLiteContactStore(path: database.path).contacts(afterID: 0, limit: 1)
        #expect(row.first?.createdAt == Self.utc("2023-01-01T00:00:00.000Z"))
    }

    @Test func missingColumnIsRefusedAndNothingChanges() async throws {
        let database = try TemporaryDatabase()
        let queue = try DatabaseQueue(path: database.path)
        try await queue.write { db in
            try db.execute(sql: #"CREATE TABLE "Contact" ("id" INTEGER PRIMARY KEY, "email" TEXT, "phoneNumber" TEXT)"#)
        }
        #expect(
            throws: SQLiteContactStoreError.incompatibleTable(
                table: "Contact", column: "linkedId", reason: "is missing")
        ) { try SQLiteContactStore(path: database.path) }
        let tables = try await queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")
        }
        #expect(tables == ["Contact"])
    }

    @Test func idThatIsNotTheRowIDIsRefused() async throws {
        let database = try TemporaryDatabase()
        try await DatabaseQueue(path: database.path).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE "Contact" ("id" TEXT PRIMARY KEY, "phoneNumber" TEXT, "email" TEXT, "linkedId" INTEGER,
                    "linkPrecedence" TEXT, "createdAt" DATETIME, "updatedAt" DATETIME, "deletedAt" DATETIME)
                    """)
        }
        #expect(
            throws: SQLiteContactStoreError.incompatibleTable(
                table: "Contact", column: "id", reason: "is not the table's INTEGER PRIMARY KEY")
        ) { try SQLiteContactStore(path: database.path) }
    }

    /// A value the store cannot read is an error naming the row and the column, never a trap.
    @Test(arguments: [
        (#""createdAt" = 'yesterday'"#, "createdAt"),
        (#""linkPrecedence" = 'tertiary'"#, "linkPrecedence"),
        (#""linkedId" = 'one'"#, "linkedId"),
        (#""email" = x'00ff'"#, "email"),
    ])
    func unreadableValueIsAnError(assignment: String, column: String) async throws {
        let database = try TemporaryDatabase()
        try Self.createTable(at: database.path, format: .unixMilliseconds)
        try await DatabaseQueue(path: database.path).write { db in
            try db.execute(sql: #"UPDATE "Contact" SET \#(assignment) WHERE "id" = 23"#)
        }
        let store = try SQLiteContactStore(path: database.path)
        do {
            _ = try await store.contacts(afterID: 0, limit: 100)
            Issue.record("no error")
        } catch let error as SQLiteContactStoreError {
            guard case .invalidRow(let table, let id, let failed, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(table == "Contact" && id == 23 && failed == column, "\(error)")
        }
        await #expect(throws: SQLiteContactStoreError.self) {
            try await IdentityResolver(store: store).identify(email: nil, phoneNumber: "123456")
        }
    }
}
