import Logging
import PostgresNIO

/// One column of an existing table, as read from the catalog.
private struct CatalogColumn {
    var name: String
    var type: String
    var typeKind: String
    var notNull: Bool
    var hasDefault: Bool
}

extension PostgresContactStore {
    /// Creates the schema, the `"Contact"` table and its indexes when missing, or checks
    /// that an existing table has a usable shape; then records that shape.
    ///
    /// Runs in one transaction under an advisory lock, so several processes starting at
    /// once do not race to create the table.
    static func migrate(
        connection: PostgresConnection, schema: String, createIfMissing: Bool, logger: Logger
    ) async throws -> ContactTableLayout {
        var layout = ContactTableLayout(schema: schema)
        let table = layout.qualifiedName
        return try await Self.inTransaction(connection, logger: logger) { connection in
            _ = try await connection.query(
                "SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.migration(table)))", logger: logger
            ).collect()
            let schemaExists =
                try await connection.query(
                    "SELECT count(*)::int8 FROM pg_namespace WHERE nspname = \(schema)", logger: logger
                ).collect().first?.decode(Int.self) ?? 0
            let relationKind = try await connection.query(
                "SELECT c.relkind::text FROM pg_class c WHERE c.oid = to_regclass(\(table))", logger: logger
            ).collect().first?.decode(String.self)
            if relationKind == nil {
                guard createIfMissing else {
                    throw PostgresContactStoreError.incompatibleSchema(
                        table: table, column: nil, reason: "does not exist (and createIfMissing is false)")
                }
                if schemaExists == 0 {
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "CREATE SCHEMA \(ContactTableLayout.quoted(schema))"), logger: logger)
                }
                try await connection.query(PostgresQuery(unsafeSQL: createTableSQL(table)), logger: logger)
            } else if relationKind != "r" && relationKind != "p" {
                throw PostgresContactStoreError.incompatibleSchema(
                    table: table, column: nil, reason: "is not a table (relkind \(relationKind ?? "?"))")
            }
            try await checkColumns(connection, table: table, layout: &layout, logger: logger)
            try await createMissingIndexes(connection, table: table, logger: logger)
            try await createLinksTable(connection, layout: layout, logger: logger)
            try await installFunctions(connection, layout: layout, logger: logger)
            // Rows inserted with explicit ids by other tools may have left the sequence
            // behind them; the store's inserts would then collide. Move it past them.
            _ = try await connection.query(
                """
                SELECT setval(s.seq, s.maxID)
                FROM (SELECT pg_get_serial_sequence(\(table), 'id')::regclass AS seq,
                             (SELECT max(id) FROM \(unescaped: table))::int8 AS maxID) AS s
                WHERE s.maxID > COALESCE(pg_sequence_last_value(s.seq), 0)
                """, logger: logger
            ).collect()
            return layout
        }
    }

    /// Creates the `"ContactLink"` table (link evidence) when missing, whatever
    /// `createIfMissing` says: it is the store's own table and only added, so an existing
    /// `"Contact"` table works as before. An existing one must have the three columns.
    private static func createLinksTable(
        _ connection: PostgresConnection, layout: ContactTableLayout, logger: Logger
    ) async throws {
        let links = layout.linksQualifiedName
        try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    CREATE TABLE IF NOT EXISTS \(links) (
                        email text NOT NULL,
                        "phoneNumber" text NOT NULL,
                        "createdAt" timestamptz NOT NULL,
                        PRIMARY KEY (email, "phoneNumber", "createdAt")
                    )
                    """), logger: logger)
        // By phone number for selections; in listing order for links(after:limit:).
        for (name, columns) in [
            ("ContactLink_phoneNumber_idx", #""phoneNumber""#),
            ("ContactLink_order_idx", ContactTableLayout.linkOrder),
        ] {
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "CREATE INDEX IF NOT EXISTS \(ContactTableLayout.quoted(name)) ON \(links) (\(columns))"),
                logger: logger)
        }
        let columns = try await connection.query(
            """
            SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = to_regclass(\(links)) AND a.attnum > 0 AND NOT a.attisdropped
            """, logger: logger
        ).collect().map { try $0.decode((String, String).self) }
        let types = Dictionary(columns, uniquingKeysWith: { first, _ in first })
        for (column, type) in [("email", "text"), ("phoneNumber", "text"), ("createdAt", "timestamp with time zone")]
        where types[column] != type {
            throw PostgresContactStoreError.incompatibleSchema(
                table: links, column: column,
                reason: "is \(types[column].map { "of type \($0)" } ?? "missing"); expected \(type)")
        }
    }

    /// Installs the store's functions (see ``StoreFunctions``) when missing or when their
    /// body or settings differ from this version's for this table; functions of other
    /// versions are left alone, for processes still running them.
    private static func installFunctions(
        _ connection: PostgresConnection, layout: ContactTableLayout, logger: Logger
    ) async throws {
        let installed = try await connection.query(
            """
            SELECT p.proname::text, p.prosrc, COALESCE(p.proconfig, '{}')::text[] FROM pg_proc p
            WHERE p.pronamespace = to_regnamespace(\(ContactTableLayout.quoted(layout.schema)))::oid
              AND p.proname LIKE 'identity\\_%'
            """, logger: logger
        ).collect().map { try $0.decode((String, String, [String]).self) }
        var current: [String: (body: String, configuration: [String])] = [:]
        for (name, body, configuration) in installed where current[name] == nil {
            current[name] = (body, configuration)
        }
        for function in StoreFunctions(layout: layout).definitions {
            if let installed = current[function.name], installed.body == function.body,
                installed.configuration == StoreFunctions.configuration
            {
                continue
            }
            try await connection.query(PostgresQuery(unsafeSQL: function.create), logger: logger)
        }
    }

    private static func createTableSQL(_ table: String) -> String {
        """
        CREATE TABLE \(table) (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            "phoneNumber" text,
            email text,
            "linkedId" bigint,
            "linkPrecedence" text NOT NULL CHECK ("linkPrecedence" IN ('primary', 'secondary')),
            "createdAt" timestamptz NOT NULL,
            "updatedAt" timestamptz NOT NULL,
            "deletedAt" timestamptz
        )
        """
    }

    private static func checkColumns(
        _ connection: PostgresConnection, table: String, layout: inout ContactTableLayout, logger: Logger
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), t.typtype::text, a.attnotnull,
                   a.atthasdef OR a.attidentity <> ''
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = to_regclass(\(table)) AND a.attnum > 0 AND NOT a.attisdropped
            """, logger: logger
        ).collect()
        var columns: [String: CatalogColumn] = [:]
        for row in rows {
            let (name, type, kind, notNull, hasDefault) = try row.decode((String, String, String, Bool, Bool).self)
            columns[name] = CatalogColumn(
                name: name, type: type, typeKind: kind, notNull: notNull, hasDefault: hasDefault)
        }
        func column(_ name: String) throws -> CatalogColumn {
            guard let column = columns[name] else {
                throw PostgresContactStoreError.incompatibleSchema(table: table, column: name, reason: "is missing")
            }
            return column
        }
        func incompatible(_ column: CatalogColumn, _ reason: String) -> PostgresContactStoreError {
            .incompatibleSchema(table: table, column: column.name, reason: "has type \(column.type); \(reason)")
        }
        func requireNullable(_ column: CatalogColumn) throws {
            if column.notNull {
                throw PostgresContactStoreError.incompatibleSchema(
                    table: table, column: column.name, reason: "is NOT NULL, but the store writes NULL into it")
            }
        }

        let integerTypes: Set<String> = ["integer", "bigint"]
        let id = try column("id")
        guard integerTypes.contains(id.type) else { throw incompatible(id, "expected integer or bigint") }
        let sequence = try await connection.query(
            "SELECT pg_get_serial_sequence(\(table), 'id')", logger: logger
        ).collect().first?.decode(String?.self)
        guard sequence != nil else {
            throw PostgresContactStoreError.incompatibleSchema(
                table: table, column: "id", reason: "has no sequence (declare it serial or an identity column)")
        }
        let linkedID = try column("linkedId")
        guard integerTypes.contains(linkedID.type) else { throw incompatible(linkedID, "expected integer or bigint") }
        try requireNullable(linkedID)

        for name in ["email", "phoneNumber"] {
            let text = try column(name)
            guard text.type == "text" || text.type.hasPrefix("character varying") else {
                throw incompatible(text, "expected text or varchar")
            }
            try requireNullable(text)
        }

        let precedence = try column("linkPrecedence")
        if precedence.typeKind == "e" {
            let labels = try await connection.query(
                """
                SELECT e.enumlabel::text FROM pg_enum e
                WHERE e.enumtypid = (SELECT atttypid FROM pg_attribute
                                     WHERE attrelid = to_regclass(\(table)) AND attname = 'linkPrecedence')
                """, logger: logger
            ).collect().map { try $0.decode(String.self) }
            guard Set(labels).isSuperset(of: ["primary", "secondary"]) else {
                throw incompatible(precedence, "its enum lacks the labels 'primary' and 'secondary'")
            }
        } else if !(precedence.type == "text" || precedence.type.hasPrefix("character varying")) {
            throw incompatible(precedence, "expected text, varchar or an enum of 'primary' and 'secondary'")
        }
        layout.precedenceType = precedence.type

        var precision = 6
        for name in ["createdAt", "updatedAt", "deletedAt"] {
            let timestamp = try column(name)
            guard timestamp.type.hasPrefix("timestamp") else {
                throw incompatible(timestamp, "expected timestamp with or without time zone")
            }
            if timestamp.type.hasSuffix("without time zone") { layout.timestampsWithoutTimeZone.insert(name) }
            if let open = timestamp.type.firstIndex(of: "("), let close = timestamp.type.firstIndex(of: ")"),
                let digits = Int(timestamp.type[timestamp.type.index(after: open)..<close])
            {
                precision = min(precision, digits)
            }
        }
        try requireNullable(try column("deletedAt"))
        layout.timestampPrecision = precision

        let known: Set<String> = [
            "id", "email", "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt",
        ]
        for extra in columns.values where !known.contains(extra.name) && extra.notNull && !extra.hasDefault {
            throw PostgresContactStoreError.incompatibleSchema(
                table: table, column: extra.name,
                reason: "is NOT NULL without a default, so the store cannot insert rows")
        }
    }

    private static func createMissingIndexes(
        _ connection: PostgresConnection, table: String, logger: Logger
    ) async throws {
        // Columns that already lead some index (any name), so an existing database keeps its own indexes.
        let indexed = try await connection.query(
            """
            SELECT a.attname::text FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = to_regclass(\(table))
            """, logger: logger
        ).collect().map { try $0.decode(String.self) }
        for column in ["email", "phoneNumber", "linkedId"] where !indexed.contains(column) {
            let name = ContactTableLayout.quoted("Contact_\(column)_idx")
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "CREATE INDEX IF NOT EXISTS \(name) ON \(table) (\(ContactTableLayout.quoted(column)))"),
                logger: logger)
        }
    }
}
