import IdentityReconciliation
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresContactStore {
    /// Takes the advisory locks of an identify, waiting for each: the import barrier in
    /// shared mode, then `keys` in ascending order. Every identify waits for locks only
    /// here, in this order, so identifies cannot deadlock.
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

    /// The live rows of every group with a live row satisfying `seed`, each group
    /// flattened under its root (see Chains on ``PostgresContactStore``), in one statement.
    ///
    /// - Parameters:
    ///   - seed: An SQL condition on `"Contact"` using `$1`, `$2`, … .
    ///   - binds: Appends the values of the seed's parameters.
    func groupRows(
        _ connection: PostgresConnection, seed: String, binds: (inout PostgresBindings) throws -> Void
    ) async throws -> [Contact] {
        let table = layout.qualifiedName
        // A chain longer than this is cut off: the rows beyond it are not reached.
        let depth = 32
        let sql = """
            WITH RECURSIVE up(id, next, depth) AS (
                SELECT id::int8, "linkedId"::int8, 0 FROM \(table) WHERE "deletedAt" IS NULL AND \(seed)
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
            )
            SELECT DISTINCT ON (c.id) c.id::int8, c.email::text, c."phoneNumber"::text,
                   c."createdAt", c."updatedAt", down.root
            FROM down JOIN \(table) c ON c.id = down.id
            ORDER BY c.id
            """
        var bindings = PostgresBindings()
        try binds(&bindings)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var contacts: [Contact] = []
        for try await row in rows {
            let (id, email, phone, createdAt, updatedAt, root) = try row.decode(
                (Int, String?, String?, PostgresTimestamp, PostgresTimestamp, Int).self)
            contacts.append(
                Contact(
                    id: id, email: email, phoneNumber: phone, linkedId: id == root ? nil : root,
                    linkPrecedence: id == root ? .primary : .secondary,
                    createdAt: createdAt.date, updatedAt: updatedAt.date))
        }
        return contacts
    }

    /// The change with its dates rounded as the table stores them.
    func stored(_ change: ContactChange) -> ContactChange {
        switch change {
        case .none:
            .none
        case .insertPrimary(let email, let phoneNumber, let createdAt):
            .insertPrimary(email: email, phoneNumber: phoneNumber, createdAt: layout.stored(createdAt))
        case .insertSecondary(let email, let phoneNumber, let primaryID, let createdAt):
            .insertSecondary(
                email: email, phoneNumber: phoneNumber, primaryID: primaryID, createdAt: layout.stored(createdAt))
        case .merge(let primaryID, let demotedPrimaryID, let updatedAt):
            .merge(primaryID: primaryID, demotedPrimaryID: demotedPrimaryID, updatedAt: layout.stored(updatedAt))
        }
    }

    /// Writes a decided change; the caller holds the locks of every group in `matched`.
    func apply(
        _ change: ContactChange, to matched: [Contact], _ connection: PostgresConnection
    ) async throws -> ContactStoreCommit {
        let table = layout.qualifiedName
        let created = layout.write("createdAt")
        let updated = layout.write("updatedAt")
        var insertedID: Int?
        switch change {
        case .none:
            break
        case .insertPrimary(let email, let phoneNumber, let createdAt),
            .insertSecondary(let email, let phoneNumber, _, let createdAt):
            var linkedID: Int?
            var precedence = "'primary'"
            if case .insertSecondary(_, _, let primaryID, _) = change {
                linkedID = primaryID
                precedence = "'secondary'"
            }
            let timestamp = PostgresTimestamp(createdAt)
            let rows = try await connection.query(
                """
                INSERT INTO \(unescaped: table) (email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                VALUES (\(email), \(phoneNumber), \(linkedID), \(unescaped: precedence),
                        \(unescaped: created.prefix)\(timestamp)\(unescaped: created.suffix),
                        \(unescaped: updated.prefix)\(timestamp)\(unescaped: updated.suffix))
                RETURNING id::int8
                """, logger: logger
            ).collect()
            insertedID = try rows.first?.decode(Int.self)
        case .merge(let primaryID, let demotedPrimaryID, let updatedAt):
            // Exactly the demoted group's live rows as read under its lock (a chained tree
            // included), so the whole group moves and no other row does.
            let ids = matched.filter { $0.primaryID == demotedPrimaryID }.map(\.id)
            try await connection.query(
                """
                UPDATE \(unescaped: table)
                SET "linkedId" = \(primaryID), "linkPrecedence" = 'secondary',
                    "updatedAt" = \(unescaped: updated.prefix)\(PostgresTimestamp(updatedAt))\(unescaped: updated.suffix)
                WHERE id = ANY(\(ids)::int8[]) AND "deletedAt" IS NULL
                """, logger: logger)
        }
        return ContactStoreCommit(
            change: change, insertedID: insertedID, group: change.applied(to: matched, insertedID: insertedID))
    }

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
}
