import Foundation
import GRDB
import IdentityReconciliation

// The statements of a read and of persisting a plan, run inside a read or a transaction.
extension SQLiteContactStore {
    // MARK: - Reading

    /// What `selection` selects (see `ContactSelection`).
    func select(_ db: Database, _ selection: ContactSelection) throws -> SelectedContacts {
        var primaries = try matchedPrimaries(db, email: selection.email, phoneNumber: selection.phoneNumber)
        if let id = selection.contactID {
            let statement = try db.cachedStatement(
                sql: #"SELECT "id", COALESCE("linkedId", "id") FROM "Contact" WHERE "id" = ? AND "deletedAt" IS NULL"#)
            if let row = try Row.fetchOne(statement, arguments: [id]) {
                let primary = try primaryID(row)
                if !primaries.contains(primary) { primaries.append(primary) }
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
    private func matchedPrimaries(_ db: Database, email: String?, phoneNumber: String?) throws -> [Int] {
        guard email != nil || phoneNumber != nil else { return [] }
        // `= NULL` is never true, so a nil value matches nothing.
        let statement = try db.cachedStatement(
            sql: """
                SELECT "id", COALESCE("linkedId", "id") FROM "Contact"
                WHERE "deletedAt" IS NULL AND ("email" = ? OR "phoneNumber" = ?)
                """)
        var primaries: [Int] = []
        let cursor = try Row.fetchCursor(statement, arguments: [email, phoneNumber])
        while let row = try cursor.next() {
            let primary = try primaryID(row)
            if !primaries.contains(primary) { primaries.append(primary) }
        }
        return primaries
    }

    /// The primary of a row selected as `"id", COALESCE("linkedId", "id")`.
    ///
    /// - Throws: ``SQLiteContactStoreError/invalidRow(table:id:column:reason:)`` when
    ///   `linkedId` is not an id (SQLite would otherwise read text as 0).
    private func primaryID(_ row: Row) throws -> Int {
        let id: DatabaseValue = row[0]
        let primary: DatabaseValue = row[1]
        guard case .int64(let value) = primary.storage else {
            throw SQLiteContactStoreError.invalidRow(
                table: "Contact", id: Int.fromDatabaseValue(id), column: "linkedId",
                reason: "holds \(primary), not an id")
        }
        return Int(value)
    }

    /// The live rows of the groups with these primaries.
    private func members(_ db: Database, primaries: [Int]) throws -> [Contact] {
        var rows: [Contact] = []
        let statement = try db.cachedStatement(
            sql: #"""
                SELECT \#(Self.contactColumns) FROM "Contact"
                WHERE "deletedAt" IS NULL AND ("id" = ?1 OR "linkedId" = ?1)
                """#)
        for primary in primaries {
            let cursor = try Row.fetchCursor(statement, arguments: [primary])
            while let row = try cursor.next() { rows.append(try contact(row)) }
        }
        return rows
    }

    /// The deleted rows related to a selection: those holding one of its values or a value of
    /// a selected live row, those linked to a selected live row, and the row `contactID`.
    private func deletedRows(_ db: Database, _ selection: ContactSelection, live: [Contact]) throws -> [Contact] {
        var emails = UniqueValues<String>()
        var phoneNumbers = UniqueValues<String>()
        emails.append(selection.email)
        phoneNumbers.append(selection.phoneNumber)
        for row in live {
            emails.append(row.email)
            phoneNumbers.append(row.phoneNumber)
        }
        var found: [Int: Contact] = [:]
        func fetch(where condition: String, _ values: [some DatabaseValueConvertible]) throws {
            guard !values.isEmpty else { return }
            let statement = try db.cachedStatement(
                sql: #"SELECT \#(Self.contactColumns) FROM "Contact" WHERE \#(condition) AND "deletedAt" IS NOT NULL"#)
            for value in values {
                let cursor = try Row.fetchCursor(statement, arguments: [value])
                while let row = try cursor.next() {
                    let deleted = try contact(row)
                    found[deleted.id] = deleted
                }
            }
        }
        try fetch(where: #""email" = ?"#, emails.values)
        try fetch(where: #""phoneNumber" = ?"#, phoneNumbers.values)
        try fetch(where: #""linkedId" = ?"#, live.map(\.id))
        if let id = selection.contactID { try fetch(where: #""id" = ?"#, [id]) }
        return found.values.sorted { $0.id < $1.id }
    }

    /// The links holding a value of the selection or of a selected live row.
    private func links(_ db: Database, _ selection: ContactSelection, rows: [Contact]) throws -> [ContactLink] {
        var emails = UniqueValues<String>()
        var phoneNumbers = UniqueValues<String>()
        emails.append(selection.email)
        phoneNumbers.append(selection.phoneNumber)
        for row in rows where row.isLive {
            emails.append(row.email)
            phoneNumbers.append(row.phoneNumber)
        }
        var found = UniqueValues<ContactLink>()
        func fetch(column: String, _ values: [String]) throws {
            guard !values.isEmpty else { return }
            let statement = try db.cachedStatement(
                sql: #"SELECT \#(Self.linkColumns) FROM "ContactLink" WHERE "\#(column)" = ?"#)
            for value in values {
                let cursor = try Row.fetchCursor(statement, arguments: [value])
                while let row = try cursor.next() { found.append(try Self.link(row)) }
            }
        }
        try fetch(column: "email", emails.values)
        try fetch(column: "phoneNumber", phoneNumbers.values)
        return found.values
    }

    // MARK: - Writing

    /// Persists a checked plan: every changed row by id, then the links, then the new rows.
    ///
    /// - Returns: The ids SQLite assigned to the inserted rows, in order (AUTOINCREMENT:
    ///   greater than any id the table has held, imported ones included).
    func persist(_ plan: CheckedContactPlan, _ db: Database) throws -> [Int] {
        if !plan.updatedRows.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE "Contact" SET "phoneNumber" = ?, "email" = ?, "linkedId" = ?, "linkPrecedence" = ?,
                    "createdAt" = ?, "updatedAt" = ?, "deletedAt" = ?
                    WHERE "id" = ?
                    """)
            for row in plan.updatedRows {
                try statement.execute(arguments: arguments(for: row, idLast: true))
            }
        }
        if !plan.removedLinks.isEmpty {
            let statement = try db.cachedStatement(
                sql: #"DELETE FROM "ContactLink" WHERE "email" = ? AND "phoneNumber" = ? AND "createdAt" = ?"#)
            for link in plan.removedLinks {
                try statement.execute(arguments: [
                    link.email, link.phoneNumber, SQLiteTimestampFormat.milliseconds(link.createdAt),
                ])
            }
        }
        for link in plan.addedLinks { try Self.insert(link, db) }
        guard plan.insertCount > 0 else { return [] }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO "Contact" ("phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        var ids: [Int] = []
        ids.reserveCapacity(plan.insertCount)
        for case .insert(let email, let phoneNumber, let linkedId, let createdAt) in plan.plan.writes {
            let created = timestampFormat.databaseValue(createdAt)
            let precedence: LinkPrecedence = linkedId == nil ? .primary : .secondary
            try statement.execute(arguments: [phoneNumber, email, linkedId, precedence.rawValue, created, created])
            ids.append(Int(db.lastInsertedRowID))
        }
        return ids
    }

    /// Inserts one link.
    static func insert(_ link: ContactLink, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: #"INSERT INTO "ContactLink" (\#(linkColumns)) VALUES (?, ?, ?)"#)
        try statement.execute(arguments: [
            SQLiteTimestampFormat.milliseconds(link.createdAt), link.email, link.phoneNumber,
        ])
    }

    /// A row's values in the order of ``contactColumns``, the id first or (for the
    /// `UPDATE … WHERE "id" = ?` statement) last.
    func arguments(for contact: Contact, idLast: Bool) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            contact.phoneNumber, contact.email, contact.linkedId, contact.linkPrecedence.rawValue,
            timestampFormat.databaseValue(contact.createdAt), timestampFormat.databaseValue(contact.updatedAt),
            contact.deletedAt.map(timestampFormat.databaseValue),
        ]
        return StatementArguments(idLast ? values + [contact.id] : [contact.id] + values)
    }

    // MARK: - Decoding

    /// Decodes a row selected as ``contactColumns``.
    ///
    /// - Throws: ``SQLiteContactStoreError/invalidRow(table:id:column:reason:)`` for a value
    ///   of the wrong kind, rather than trapping as GRDB's typed subscripts do.
    func contact(_ row: Row) throws -> Contact {
        func value(_ index: Int) -> DatabaseValue { row[index] }
        var id: Int?
        func invalid(_ column: String, _ reason: String) -> SQLiteContactStoreError {
            .invalidRow(table: "Contact", id: id, column: column, reason: reason)
        }
        func text(_ index: Int, _ column: String) throws -> String? {
            switch value(index).storage {
            case .null: return nil
            case .string(let text): return text
            // A phone number some program stored as a number.
            case .int64(let number): return String(number)
            default: throw invalid(column, "holds \(value(index)), not text")
            }
        }
        func date(_ index: Int, _ column: String) throws -> Date? {
            let stored = value(index)
            if stored.isNull { return nil }
            guard let date = SQLiteTimestampFormat.date(stored) else {
                throw invalid(column, "holds \(stored), which is no date")
            }
            return date
        }
        guard case .int64(let rowID) = value(0).storage else { throw invalid("id", "holds \(value(0))") }
        id = Int(rowID)
        let linkedId: Int?
        switch value(3).storage {
        case .null: linkedId = nil
        case .int64(let parent): linkedId = Int(parent)
        default: throw invalid("linkedId", "holds \(value(3)), not an id")
        }
        guard let precedence = try text(4, "linkPrecedence").flatMap(LinkPrecedence.init(rawValue:)) else {
            throw invalid("linkPrecedence", "holds \(value(4)), not 'primary' or 'secondary'")
        }
        guard let createdAt = try date(5, "createdAt") else { throw invalid("createdAt", "is NULL") }
        return Contact(
            id: Int(rowID), email: try text(2, "email"), phoneNumber: try text(1, "phoneNumber"), linkedId: linkedId,
            linkPrecedence: precedence, createdAt: createdAt, updatedAt: try date(6, "updatedAt") ?? createdAt,
            deletedAt: try date(7, "deletedAt"))
    }

    /// Decodes a row selected as ``linkColumns``.
    static func link(_ row: Row) throws -> ContactLink {
        let values: [DatabaseValue] = [row[0], row[1], row[2]]
        guard case .int64(let milliseconds) = values[0].storage, case .string(let email) = values[1].storage,
            case .string(let phoneNumber) = values[2].storage
        else {
            throw SQLiteContactStoreError.invalidRow(
                table: "ContactLink", id: nil, column: "createdAt, email, phoneNumber",
                reason: "holds \(values), not an integer and two texts")
        }
        return ContactLink(
            email: email, phoneNumber: phoneNumber,
            createdAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
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
