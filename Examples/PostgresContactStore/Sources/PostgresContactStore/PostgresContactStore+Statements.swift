import IdentityReconciliation
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresContactStore {
    // MARK: - Locks

    /// Takes the advisory locks of a transaction, waiting for each: the import barrier in
    /// shared mode, then `keys` in ascending order. Every transaction waits for locks only
    /// here, in this order, so transactions cannot deadlock.
    func lock(_ keys: Set<Int64>, _ connection: PostgresConnection) async throws {
        let ordered = [AdvisoryLockKey.importBarrier] + keys.sorted()
        // unnest yields the array in order and each row's expression runs before the next row's.
        _ = try await connection.query(
            """
            SELECT CASE WHEN k = \(AdvisoryLockKey.importBarrier) THEN pg_advisory_xact_lock_shared(k)
                        ELSE pg_advisory_xact_lock(k) END
            FROM unnest(\(ordered)::int8[]) AS k
            """, logger: logger
        ).collect()
    }

    /// Tries to take more locks without waiting.
    ///
    /// - Returns: Whether all were taken (those that were stay held until the transaction ends).
    func tryLock(_ keys: Set<Int64>, _ connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT bool_and(pg_try_advisory_xact_lock(k)) FROM unnest(\(keys.sorted())::int8[]) AS k",
            logger: logger
        ).collect()
        return try rows.first?.decode(Bool?.self) ?? false
    }

    /// The keys of a value pair: what a transaction selecting or inserting these values holds.
    static func valueKeys(email: String?, phoneNumber: String?) -> Set<Int64> {
        var keys = Set<Int64>()
        if let email { keys.insert(AdvisoryLockKey.email(email)) }
        if let phoneNumber { keys.insert(AdvisoryLockKey.phoneNumber(phoneNumber)) }
        return keys
    }

    /// The keys that keep what a transaction read as read until it commits.
    ///
    /// Every write is made by a transaction holding one of these keys of whatever it changes
    /// (see the README's argument): the selection's values (a new live holder of a value is
    /// only ever inserted, under its value's key); the group of every live row read (every
    /// change to a live row or to a group's membership is made by a transaction that read
    /// the group); the values of every deleted row read (a deleted row changes only by
    /// losing a value, in a transaction that read it, so holds them too); and the values of
    /// every link read (a removed link was read by its remover; an added one joins values of
    /// a group its writer read).
    static func readKeys(_ selection: ContactSelection, _ selected: SelectedContacts) -> Set<Int64> {
        var keys = valueKeys(email: selection.email, phoneNumber: selection.phoneNumber)
        for row in selected.rows {
            if row.isLive {
                keys.insert(AdvisoryLockKey.group(row.primaryID))
            } else {
                keys.formUnion(valueKeys(email: row.email, phoneNumber: row.phoneNumber))
            }
        }
        for link in selected.links {
            keys.formUnion(valueKeys(email: link.email, phoneNumber: link.phoneNumber))
        }
        return keys
    }

    /// The keys a plan's writes need beyond what it read: the values of the rows it inserts
    /// and of the links it adds or removes. For an identify they are the request's values,
    /// already held.
    static func writeKeys(_ plan: CheckedContactPlan) -> Set<Int64> {
        var keys = Set<Int64>()
        for write in plan.plan.writes {
            if case .insert(let email, let phoneNumber, _, _) = write {
                keys.formUnion(valueKeys(email: email, phoneNumber: phoneNumber))
            }
        }
        for link in plan.addedLinks + plan.removedLinks {
            keys.formUnion(valueKeys(email: link.email, phoneNumber: link.phoneNumber))
        }
        return keys
    }

    // MARK: - Reading

    /// What `selection` selects (see `ContactSelection`), in one statement: the live rows
    /// of each group flattened under its root (see Chains on ``PostgresContactStore``), then
    /// the selected deleted rows as stored, then the selected links.
    func select(_ selection: ContactSelection, _ connection: PostgresConnection) async throws -> SelectedContacts {
        guard !selection.isEmpty else { return .empty }
        let rows = try await connection.query(selectQuery(selection), logger: logger)
        var selected = SelectedContacts(rows: [])
        for try await row in rows {
            let (kind, id, email, phone, linkedID, precedence, createdAt, updatedAt, deletedAt) = try row.decode(
                (
                    Int, Int?, String?, String?, Int?, String?, PostgresTimestamp, PostgresTimestamp?,
                    PostgresTimestamp?
                ).self)
            switch (kind, id) {
            case (0, let id?):
                selected.rows.append(
                    Contact(
                        id: id, email: email, phoneNumber: phone, linkedId: linkedID,
                        linkPrecedence: linkedID == nil ? .primary : .secondary, createdAt: createdAt.date,
                        updatedAt: updatedAt?.date ?? createdAt.date))
            case (1, let id?):
                guard let precedence, let linkPrecedence = LinkPrecedence(rawValue: precedence) else {
                    throw PostgresContactStoreError.invalidRow(
                        contactID: id, column: "linkPrecedence",
                        reason: "\((precedence ?? "NULL").debugDescription) is neither primary nor secondary")
                }
                selected.rows.append(
                    Contact(
                        id: id, email: email, phoneNumber: phone, linkedId: linkedID, linkPrecedence: linkPrecedence,
                        createdAt: createdAt.date, updatedAt: updatedAt?.date ?? createdAt.date,
                        deletedAt: deletedAt?.date))
            default:
                guard let email, let phone else {
                    throw PostgresContactStoreError.invalidRow(
                        contactID: nil, column: "email", reason: "a link without an email or a phone number")
                }
                selected.links.append(ContactLink(email: email, phoneNumber: phone, createdAt: createdAt.date))
            }
        }
        return selected
    }

    /// The statement of ``select(_:_:)``. Its output columns: kind (0 live, 1 deleted,
    /// 2 link), id, email, phone, linkedId (the root for live rows), linkPrecedence (deleted
    /// rows), createdAt, updatedAt, deletedAt; timestamps as `timestamptz`.
    func selectQuery(_ selection: ContactSelection) -> PostgresQuery {
        let table = layout.qualifiedName
        var bindings = PostgresBindings(capacity: 3)
        var email: String?
        var phone: String?
        var id: String?
        if let value = selection.email {
            bindings.append(value)
            email = "$\(bindings.count)::text"
        }
        if let value = selection.phoneNumber {
            bindings.append(value)
            phone = "$\(bindings.count)::text"
        }
        if let value = selection.contactID {
            bindings.append(value)
            id = "$\(bindings.count)::int8"
        }
        func seed(_ alias: String) -> String {
            var conditions: [String] = []
            if let email { conditions.append("\(alias).email = \(email)") }
            if let phone { conditions.append("\(alias).\"phoneNumber\" = \(phone)") }
            if let id { conditions.append("\(alias).id = \(id)") }
            return conditions.joined(separator: " OR ")
        }
        func timestamps(_ alias: String) -> String {
            "\(layout.read("createdAt", of: alias)) AS created, \(layout.read("updatedAt", of: alias)) AS updated"
        }
        // A chain longer than this is cut off: the rows beyond it are not reached.
        let depth = 32
        var sql = """
            WITH RECURSIVE up(id, next, depth) AS (
                SELECT c.id::int8, c."linkedId"::int8, 0 FROM \(table) c WHERE c."deletedAt" IS NULL AND (\(seed("c")))
              UNION ALL
                SELECT c.id::int8, c."linkedId"::int8, up.depth + 1 FROM up JOIN \(table) c ON c.id = up.next
                WHERE c."deletedAt" IS NULL AND up.depth < \(depth)
            ), roots AS (
                SELECT DISTINCT up.id FROM up
                WHERE up.next IS NULL
                   OR NOT EXISTS (SELECT 1 FROM \(table) p WHERE p.id = up.next AND p."deletedAt" IS NULL)
            ), down(id, root, depth) AS (
                SELECT id, id, 0 FROM roots
              UNION ALL
                SELECT c.id::int8, down.root, down.depth + 1 FROM down JOIN \(table) c ON c."linkedId" = down.id
                WHERE c."deletedAt" IS NULL AND c.id <> down.root AND down.depth < \(depth)
            ), live AS (
                SELECT DISTINCT ON (c.id) c.id::int8 AS id, c.email::text AS email, c."phoneNumber"::text AS phone,
                       NULLIF(down.root, c.id) AS linked, \(timestamps("c"))
                FROM down JOIN \(table) c ON c.id = down.id
                ORDER BY c.id
            )
            """
        var parts = [
            """
            SELECT 0 AS kind, id, email, phone, linked, NULL::text AS precedence, created, updated,
                   NULL::timestamptz AS deleted
            FROM live
            """
        ]
        // Links are selected by the selection's values and the live rows' (not deleted rows').
        var linkValues = ["SELECT email, phone FROM live"]
        if selection.includesDeletedRows {
            let deletedAt = layout.read("deletedAt", of: "c")
            sql += """
                , deleted AS (
                    SELECT d.id::int8 AS id FROM \(table) d WHERE d."deletedAt" IS NOT NULL AND (\(seed("d")))
                  UNION SELECT d.id::int8 FROM live JOIN \(table) d ON d.email = live.email
                    WHERE d."deletedAt" IS NOT NULL
                  UNION SELECT d.id::int8 FROM live JOIN \(table) d ON d."phoneNumber" = live.phone
                    WHERE d."deletedAt" IS NOT NULL
                  UNION SELECT d.id::int8 FROM live JOIN \(table) d ON d."linkedId" = live.id
                    WHERE d."deletedAt" IS NOT NULL
                ), deletedRows AS (
                    SELECT c.id::int8 AS id, c.email::text AS email, c."phoneNumber"::text AS phone,
                           c."linkedId"::int8 AS linked, c."linkPrecedence"::text AS precedence, \(timestamps("c")),
                           \(deletedAt) AS deleted
                    FROM deleted JOIN \(table) c ON c.id = deleted.id
                )
                """
            parts.append(
                "SELECT 1, id, email, phone, linked, precedence, created, updated, deleted FROM deletedRows")
        }
        if selection.includesLinks {
            let links = layout.linksQualifiedName
            if email != nil || phone != nil {
                linkValues.append("SELECT \(email ?? "NULL::text"), \(phone ?? "NULL::text")")
            }
            sql += """
                , linkValues(email, phone) AS (
                    \(linkValues.joined(separator: " UNION ALL "))
                ), links AS (
                    SELECT l.email, l."phoneNumber", l."createdAt" FROM \(links) l
                    WHERE l.email IN (SELECT email FROM linkValues)
                  UNION
                    SELECT l.email, l."phoneNumber", l."createdAt" FROM \(links) l
                    WHERE l."phoneNumber" IN (SELECT phone FROM linkValues)
                )
                """
            parts.append("SELECT 2, NULL, email, \"phoneNumber\", NULL, NULL, \"createdAt\", NULL, NULL FROM links")
        }
        sql += "\n" + parts.joined(separator: "\nUNION ALL\n")
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// The statement of ``links(after:limit:)``: a keyset page in `ContactLink`'s order, which
    /// the links table's `"ContactLink_order_idx"` serves.
    ///
    /// The stored dates are whole microseconds, each read back as one `Date` (in increasing
    /// order), while `after` may lie between two of them. When `after`'s date is the one a
    /// stored microsecond reads back as, the whole key is compared; otherwise no stored link
    /// has that date, and only the microseconds read back as later dates qualify.
    func linksQuery(after: ContactLink?, limit: Int) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 4)
        var condition = ""
        if let after {
            let nearest = PostgresTimestamp(after.createdAt)
            bindings.append(nearest)
            if nearest.date == after.createdAt {
                bindings.append(after.email)
                bindings.append(after.phoneNumber)
                condition = #"WHERE (\#(ContactTableLayout.linkOrder)) > ($1, $2 COLLATE "C", $3 COLLATE "C")"#
            } else {
                condition = nearest.date < after.createdAt ? #"WHERE "createdAt" > $1"# : #"WHERE "createdAt" >= $1"#
            }
        }
        bindings.append(limit)
        return PostgresQuery(
            unsafeSQL: """
                SELECT email, "phoneNumber", "createdAt" FROM \(layout.linksQualifiedName)
                \(condition) ORDER BY \(ContactTableLayout.linkOrder) LIMIT $\(bindings.count)
                """, binds: bindings)
    }

    // MARK: - Writing

    /// The plan with its dates rounded as the table stores them, checked again, so that the
    /// rows a transaction reports are the rows later reads return. The plan itself when its
    /// dates are stored exactly (whole seconds always are).
    func stored(_ checked: CheckedContactPlan) throws -> CheckedContactPlan {
        let writes = checked.plan.writes.map { write -> ContactWrite in
            switch write {
            case .insert(let email, let phoneNumber, let linkedId, let createdAt):
                .insert(email: email, phoneNumber: phoneNumber, linkedId: linkedId, createdAt: layout.stored(createdAt))
            case .relinkGroup(let primaryID, let survivorID, let updatedAt):
                .relinkGroup(primaryID: primaryID, survivorID: survivorID, updatedAt: layout.stored(updatedAt))
            case .setLink(let contactID, let linkedId, let updatedAt):
                .setLink(contactID: contactID, linkedId: linkedId, updatedAt: layout.stored(updatedAt))
            case .delete(let contactID, let at):
                .delete(contactID: contactID, at: layout.stored(at))
            case .clearValues(let contactID, let email, let phoneNumber, let updatedAt):
                .clearValues(
                    contactID: contactID, email: email, phoneNumber: phoneNumber, updatedAt: layout.stored(updatedAt))
            case .addLink(let link):
                .addLink(
                    ContactLink(
                        email: link.email, phoneNumber: link.phoneNumber, createdAt: layout.stored(link.createdAt)))
            case .removeLink(let link):
                // A removed link was read, so its date is already as stored.
                .removeLink(link)
            }
        }
        guard writes != checked.plan.writes else { return checked }
        return try ContactPlan(writes).checked(against: checked.selected)
    }

    /// Persists a checked plan in one statement, whatever its size: one UPDATE of every
    /// changed row by id (every field), the links removed and added, and one INSERT of the
    /// new rows under ids from the table's sequence, in the plan's order.
    ///
    /// - Returns: The ids of the inserted rows, in the order of the plan's inserts.
    func persist(_ plan: CheckedContactPlan, _ connection: PostgresConnection) async throws -> [Int] {
        guard let query = persistQuery(plan) else { return [] }
        let rows = try await connection.query(query, logger: logger).collect()
        guard plan.insertCount > 0 else { return [] }
        // The sequence hands out increasing ids in the order the rows are inserted (the
        // order of the plan), so the ids sorted are the ids of the plan's inserts in order.
        return try rows.map { try $0.decode(Int.self) }.sorted()
    }

    /// The statement of ``persist(_:_:)``, or `nil` for an empty plan.
    func persistQuery(_ plan: CheckedContactPlan) -> PostgresQuery? {
        let table = layout.qualifiedName
        let links = layout.linksQualifiedName
        var bindings = PostgresBindings()
        func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        func write(_ expression: String, into column: String) -> String {
            let (prefix, suffix) = layout.write(column)
            return prefix + expression + suffix
        }
        var steps: [String] = []
        let updated = plan.updatedRows
        if !updated.isEmpty {
            let columns = [
                "\(bind(updated.map(\.id)))::int8[]",
                "\(bind(PostgresArray(updated.map(\.email))))::text[]",
                "\(bind(PostgresArray(updated.map(\.phoneNumber))))::text[]",
                "\(bind(PostgresArray(updated.map(\.linkedId))))::int8[]",
                "\(bind(updated.map(\.linkPrecedence.rawValue)))::text[]",
                "\(bind(updated.map { PostgresTimestamp($0.updatedAt) }))::timestamptz[]",
                "\(bind(PostgresArray(updated.map { $0.deletedAt.map(PostgresTimestamp.init) })))::timestamptz[]",
            ]
            steps.append(
                """
                updated AS (
                    UPDATE \(table) AS c
                    SET email = u.email, "phoneNumber" = u.phone, "linkedId" = u.linked,
                        "linkPrecedence" = u.precedence::\(layout.precedenceType),
                        "updatedAt" = \(write("u.updated", into: "updatedAt")),
                        "deletedAt" = \(write("u.deleted", into: "deletedAt"))
                    FROM unnest(\(columns.joined(separator: ", ")))
                         AS u(id, email, phone, linked, precedence, updated, deleted)
                    WHERE c.id = u.id
                    RETURNING 1
                )
                """)
        }
        func linkColumns(_ links: [ContactLink]) -> String {
            "unnest(\(bind(links.map(\.email)))::text[], \(bind(links.map(\.phoneNumber)))::text[], "
                + "\(bind(links.map { PostgresTimestamp($0.createdAt) }))::timestamptz[])"
        }
        if !plan.removedLinks.isEmpty {
            steps.append(
                """
                removedLinks AS (
                    DELETE FROM \(links) AS l USING \(linkColumns(plan.removedLinks)) AS r(email, phone, created)
                    WHERE l.email = r.email AND l."phoneNumber" = r.phone AND l."createdAt" = r.created
                    RETURNING 1
                )
                """)
        }
        if !plan.addedLinks.isEmpty {
            steps.append(
                """
                addedLinks AS (
                    INSERT INTO \(links) (email, "phoneNumber", "createdAt")
                    SELECT * FROM \(linkColumns(plan.addedLinks)) ON CONFLICT DO NOTHING
                    RETURNING 1
                )
                """)
        }
        var main = "SELECT NULL::int8 WHERE false"
        if plan.insertCount > 0 {
            // The ids are placeholders: only their count matters to insertedRows(ids:).
            let inserted = plan.insertedRows(ids: Array(repeating: 0, count: plan.insertCount))
            let created = "u.created"
            let columns = [
                "\(bind(PostgresArray(inserted.map(\.email))))::text[]",
                "\(bind(PostgresArray(inserted.map(\.phoneNumber))))::text[]",
                "\(bind(PostgresArray(inserted.map(\.linkedId))))::int8[]",
                "\(bind(inserted.map(\.linkPrecedence.rawValue)))::text[]",
                "\(bind(inserted.map { PostgresTimestamp($0.createdAt) }))::timestamptz[]",
            ]
            main = """
                INSERT INTO \(table) (email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                SELECT u.email, u.phone, u.linked, u.precedence::\(layout.precedenceType),
                       \(write(created, into: "createdAt")), \(write(created, into: "updatedAt"))
                FROM unnest(\(columns.joined(separator: ", ")))
                     WITH ORDINALITY AS u(email, phone, linked, precedence, created, position)
                ORDER BY u.position
                RETURNING id::int8
                """
        } else if steps.isEmpty {
            return nil
        }
        let sql = steps.isEmpty ? main : "WITH " + steps.joined(separator: ", ") + "\n" + main
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    // MARK: - Import

    /// One multi-row INSERT of imported rows, keeping their ids.
    func insertQuery(_ rows: ArraySlice<Contact>) -> PostgresQuery {
        var sql = """
            INSERT INTO \(layout.qualifiedName)
                (id, email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt")
            OVERRIDING SYSTEM VALUE VALUES
            """
        var bindings = PostgresBindings(capacity: rows.count * 7)
        func parameter(_ timestamp: Date?, column: String) -> String {
            bindings.append(timestamp.map { PostgresTimestamp($0) })
            let (prefix, suffix) = layout.write(column)
            return prefix + "$\(bindings.count)" + suffix
        }
        for (index, row) in rows.enumerated() {
            bindings.append(row.id)
            let id = "$\(bindings.count)"
            bindings.append(row.email)
            let email = "$\(bindings.count)"
            bindings.append(row.phoneNumber)
            let phone = "$\(bindings.count)"
            bindings.append(row.linkedId)
            let linkedID = "$\(bindings.count)"
            let created = parameter(row.createdAt, column: "createdAt")
            let updated = parameter(row.updatedAt, column: "updatedAt")
            let deleted = parameter(row.deletedAt, column: "deletedAt")
            sql += index == 0 ? "\n" : ",\n"
            sql += "(\(id), \(email), \(phone), \(linkedID), '\(row.linkPrecedence.rawValue)', "
            sql += "\(created), \(updated), \(deleted))"
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// One INSERT of imported links.
    func insertLinksQuery(_ links: ArraySlice<ContactLink>) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(links.map(\.email))
        bindings.append(links.map(\.phoneNumber))
        bindings.append(links.map { PostgresTimestamp($0.createdAt) })
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(layout.linksQualifiedName) (email, "phoneNumber", "createdAt")
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
                """, binds: bindings)
    }
}
