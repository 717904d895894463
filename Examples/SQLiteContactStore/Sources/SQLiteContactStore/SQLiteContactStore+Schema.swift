import GRDB

extension SQLiteContactStore {
    /// The task's `"Contact"` columns, in the order the store binds them.
    static let contactColumnNames = [
        "id", "phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt",
    ]
    /// ``contactColumnNames`` quoted for a statement.
    static let contactColumns = contactColumnNames.map { "\"\($0)\"" }.joined(separator: ", ")
    /// The `"ContactLink"` columns, which are also its order.
    static let linkColumns = #""createdAt", "email", "phoneNumber""#

    /// Creates the tables, or checks an existing `"Contact"` table, then adds what is
    /// missing (see ``SQLiteContactStore``). Runs in one transaction: a refused table
    /// leaves the file as it was.
    ///
    /// - Returns: The timestamp format to write.
    static func prepareSchema(_ db: Database, format requested: SQLiteTimestampFormat?) throws -> SQLiteTimestampFormat
    {
        var format = requested ?? .unixMilliseconds
        if try db.tableExists("Contact") {
            try checkExistingTable(db)
            if requested == nil,
                try String.fetchOne(db, sql: #"SELECT typeof("createdAt") FROM "Contact" ORDER BY "id" LIMIT 1"#)
                    == "text"
            {
                format = .text
            }
        } else {
            // The foreign key is checked at commit: an imported secondary may come before its
            // primary in id order.
            try db.execute(
                sql: """
                    CREATE TABLE "Contact" (
                        "id" INTEGER PRIMARY KEY AUTOINCREMENT,
                        "phoneNumber" TEXT,
                        "email" TEXT,
                        "linkedId" INTEGER REFERENCES "Contact"("id") DEFERRABLE INITIALLY DEFERRED,
                        "linkPrecedence" TEXT NOT NULL CHECK ("linkPrecedence" IN ('primary', 'secondary')),
                        "createdAt" DATETIME NOT NULL,
                        "updatedAt" DATETIME NOT NULL,
                        "deletedAt" DATETIME
                    )
                    """)
        }
        try db.execute(
            sql: """
                CREATE INDEX IF NOT EXISTS "Contact_email" ON "Contact"("email");
                CREATE INDEX IF NOT EXISTS "Contact_phoneNumber" ON "Contact"("phoneNumber");
                CREATE INDEX IF NOT EXISTS "Contact_linkedId" ON "Contact"("linkedId");
                CREATE TABLE IF NOT EXISTS "ContactLink" (
                    "email" TEXT NOT NULL,
                    "phoneNumber" TEXT NOT NULL,
                    "createdAt" INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX IF NOT EXISTS "ContactLink_order"
                    ON "ContactLink"("createdAt", "email", "phoneNumber");
                CREATE INDEX IF NOT EXISTS "ContactLink_email" ON "ContactLink"("email");
                CREATE INDEX IF NOT EXISTS "ContactLink_phoneNumber" ON "ContactLink"("phoneNumber");
                """)
        return format
    }

    /// Throws unless the existing `"Contact"` table has every column and `id` as its
    /// `INTEGER PRIMARY KEY` (the rowid, which SQLite assigns to new rows).
    private static func checkExistingTable(_ db: Database) throws {
        let names = Set(try db.columns(in: "Contact").map { $0.name.lowercased() })
        for column in contactColumnNames where !names.contains(column.lowercased()) {
            throw SQLiteContactStoreError.incompatibleTable(table: "Contact", column: column, reason: "is missing")
        }
        guard try db.primaryKey("Contact").rowIDColumn?.lowercased() == "id" else {
            throw SQLiteContactStoreError.incompatibleTable(
                table: "Contact", column: "id", reason: "is not the table's INTEGER PRIMARY KEY")
        }
    }
}
