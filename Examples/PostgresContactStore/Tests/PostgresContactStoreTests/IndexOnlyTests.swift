import Foundation
import IdentityReconciliation
import PostgresNIO
import Testing

@testable import PostgresContactStore

/// The identify path reads and writes by index only, so its cost does not grow with the
/// table: checked on a table of 100,000 rows (chains, deleted rows and links included).
@Suite("Index-only statements", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct IndexOnlyTests {
    static let rowCount = 100_000

    /// Fills the store's tables: rows `e<i>@x.io`/`<i>` with id i; every fourth row a
    /// secondary of the row before, every tenth from the fifth deleted; 10,000 links.
    static func fill(_ client: PostgresClient, _ store: PostgresContactStore) async throws {
        let table = store.layout.qualifiedName
        let links = store.layout.linksQualifiedName
        for sql in [
            """
            INSERT INTO \(table) (id, email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt",
                                  "deletedAt")
            OVERRIDING SYSTEM VALUE
            SELECT i, 'e' || i || '@x.io', i::text, CASE WHEN i % 4 = 0 THEN i - 1 END,
                   CASE WHEN i % 4 = 0 THEN 'secondary' ELSE 'primary' END, now(), now(),
                   CASE WHEN i % 10 = 5 THEN now() END
            FROM generate_series(1, \(rowCount)) AS i
            """,
            "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), \(rowCount))",
            """
            INSERT INTO \(links) (email, "phoneNumber", "createdAt")
            SELECT 'e' || i || '@x.io', (i + 1)::text, now() FROM generate_series(1, \(rowCount), 10) AS i
            """,
            "ANALYZE \(table)", "ANALYZE \(links)",
        ] {
            try await TestDatabase.execute(client, sql)
        }
    }

    /// `EXPLAIN` of both statements of `identity_select` (the whole selection, and the groups
    /// alone), with literal values (a custom plan) and as a generic plan (what the function
    /// runs): neither scans `"Contact"` or `"ContactLink"` sequentially, even with sequential
    /// scans allowed, as they are outside the store's functions.
    @Test(arguments: [true, false]) func selectionPlansUseIndexesOnly(whole: Bool) async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            try await Self.fill(client, store)
            // The statement as an inlinable SQL function, so that EXPLAIN shows its plan.
            let explained = ContactTableLayout.quoted(store.schema) + ".explained_select"
            let query = whole ? store.functions.selectionQuery : store.functions.groupsQuery
            try await TestDatabase.execute(
                client,
                """
                CREATE FUNCTION \(explained)(\(StoreFunctions.selectionParameters)) RETURNS \(StoreFunctions.rowType)
                LANGUAGE sql STABLE AS $fn$\(query)$fn$
                """)
            let plans = try await client.withConnection { connection in
                var plans: [String] = []
                for arguments in ["'e8@x.io', '7', NULL, false, false", "'e5@x.io', '12', 16, true, true"] {
                    plans.append(
                        try await Self.explain(connection, "EXPLAIN SELECT * FROM \(explained)(\(arguments))"))
                }
                _ = try await connection.query(
                    PostgresQuery(
                        unsafeSQL:
                            "PREPARE generic(text, text, int8, bool, bool) AS SELECT * FROM \(explained)($1, $2, $3, $4, $5)"
                    ), logger: PostgresContactStore.silentLogger)
                _ = try await connection.query(
                    "SET plan_cache_mode = force_generic_plan", logger: PostgresContactStore.silentLogger)
                plans.append(
                    try await Self.explain(connection, "EXPLAIN EXECUTE generic('e8@x.io', '7', 9, true, true)"))
                _ = try await connection.query("DEALLOCATE generic", logger: PostgresContactStore.silentLogger)
                _ = try await connection.query("RESET plan_cache_mode", logger: PostgresContactStore.silentLogger)
                return plans
            }
            for plan in plans {
                #expect(!plan.contains("Seq Scan on \"Contact\""), "\(plan)")
                #expect(!plan.contains("Seq Scan on \"ContactLink\""), "\(plan)")
                #expect(plan.contains("Index Scan"), "\(plan)")
            }
        }
    }

    /// Identifies of every kind (known values, new secondaries, merges of two groups, new
    /// people), four at a time, through the store's functions on their own connections, each
    /// alone or (`batched`) every one through the batches' statements
    /// (``StoreFunctions/readManySQL``, ``StoreFunctions/applyManySQL``): the server's
    /// counters show index scans of `"Contact"` and not one sequential scan.
    @Test(arguments: [false, true]) func identifiesScanNoTableSequentially(batched: Bool) async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            try await Self.fill(client, store)
            let before = try await Self.scans(client, store)
            // A client of its own: when it stops, its backends end and report their counters.
            try await PostgresContactStore.withStore(
                settings: try TestDatabase.settings(), schema: store.schema, maximumConnections: 4,
                options: PostgresContactStoreOptions(batchingThreshold: batched ? 0 : .max)
            ) { store in
                let resolver = IdentityResolver(store: store)
                for i in stride(from: 1, to: 2_000, by: 20) {
                    try await withThrowingTaskGroup { group in
                        group.addTask { _ = try await resolver.identify(email: "e\(i)@x.io", phoneNumber: nil) }
                        group.addTask {
                            _ = try await resolver.identify(email: "e\(i + 1)@x.io", phoneNumber: "\(900_000 + i)")
                        }
                        group.addTask {
                            _ = try await resolver.identify(email: "e\(i + 2)@x.io", phoneNumber: "\(i + 6)")
                        }
                        group.addTask {
                            _ = try await resolver.identify(email: "new\(i)@x.io", phoneNumber: "\(800_000 + i)")
                        }
                        try await group.waitForAll()
                    }
                    _ = try await resolver.contact(id: i + 3)
                }
                let (reads, writes) = (store.batchedReads.counts, store.batchedWrites.counts)
                if batched {
                    // Batches of several ran, so the batches' statements did.
                    #expect(reads.calls > reads.batches, "reads: \(reads)")
                    #expect(writes.calls > writes.batches, "writes: \(writes)")
                } else {
                    #expect(reads.calls == 0 && writes.calls == 0)
                }
            }
            try await Self.expectIndexScansOnly(since: before, client, store)
        }
    }

    /// The functions' plans are made on a session's first calls and kept: made while the
    /// table is small (the planner then prefers sequential scans), they must still look rows
    /// up by index once it has grown. Here the plans are made right after `ANALYZE` of a
    /// table of 40 rows, on a store of one connection, then 100,000 rows arrive (no new
    /// statistics: autovacuum is off for the table) and identifies of every kind follow on
    /// that connection: not one sequential scan of `"Contact"`.
    @Test func plansMadeOnASmallTableStillUseIndexes() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let table = store.layout.qualifiedName
            try await TestDatabase.execute(client, "ALTER TABLE \(table) SET (autovacuum_enabled = false)")
            try await TestDatabase.execute(
                client, "ALTER TABLE \(store.layout.linksQualifiedName) SET (autovacuum_enabled = false)")
            try await PostgresContactStore.withStore(
                settings: try TestDatabase.settings(), schema: store.schema, maximumConnections: 1
            ) { store in
                let resolver = IdentityResolver(store: store)
                for i in 0..<20 {
                    _ = try await resolver.identify(email: "small\(i)@x.io", phoneNumber: "\(700_000 + i)")
                    _ = try await resolver.identify(email: "small\(i)@x.io", phoneNumber: "\(710_000 + i)")
                }
                try await TestDatabase.execute(client, "ANALYZE \(table)")
                // Every kind of call once, so the connection plans each of its statements now.
                for i in 0..<20 {
                    _ = try await resolver.identify(email: "small\(i)@x.io", phoneNumber: nil)
                    _ = try await resolver.identify(email: "small\(i)@x.io", phoneNumber: "\(720_000 + i)")
                    _ = try await resolver.contact(id: i + 1)
                }
                try await TestDatabase.execute(
                    client,
                    """
                    INSERT INTO \(table) ("linkPrecedence", email, "phoneNumber", "createdAt", "updatedAt")
                    SELECT 'primary', 'big' || i || '@x.io', (800000 + i)::text, now(), now()
                    FROM generate_series(1, 100000) AS i
                    """)
                let before = try await Self.scans(client, store)
                for i in stride(from: 1, to: 2_000, by: 20) {
                    _ = try await resolver.identify(email: "big\(i)@x.io", phoneNumber: nil)
                    _ = try await resolver.identify(email: "big\(i + 1)@x.io", phoneNumber: "\(900_000 + i)")
                    _ = try await resolver.identify(email: "big\(i + 2)@x.io", phoneNumber: "\(800_000 + i + 6)")
                    _ = try await resolver.identify(email: "new\(i)@x.io", phoneNumber: "\(600_000 + i)")
                    _ = try await resolver.contact(id: 40 + i)
                }
                try await Self.expectIndexScansOnly(since: before, client, store)
            }
        }
    }

    /// Expects `"Contact"` to have been scanned by index since `before`, and never
    /// sequentially. A backend's counters reach the view some time after its transactions
    /// end: waits up to 5 s for the index scans to move.
    static func expectIndexScansOnly(
        since before: (sequentialScans: Int, indexScans: Int), _ client: PostgresClient, _ store: PostgresContactStore
    ) async throws {
        var after = before
        for _ in 0..<50 where after.indexScans == before.indexScans {
            try await Task.sleep(for: .milliseconds(100))
            after = try await scans(client, store)
        }
        #expect(after.indexScans > before.indexScans, "the counters never moved")
        #expect(after.sequentialScans == before.sequentialScans, "sequential scans of \"Contact\"")
    }

    static func explain(_ connection: PostgresConnection, _ sql: String) async throws -> String {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresContactStore.silentLogger)
            .collect().map { try $0.decode(String.self) }.joined(separator: "\n")
    }

    static func scans(
        _ client: PostgresClient, _ store: PostgresContactStore
    ) async throws -> (sequentialScans: Int, indexScans: Int) {
        let row = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT seq_scan::int8, COALESCE(idx_scan, 0)::int8 FROM pg_stat_user_tables
                    WHERE relid = '\(store.layout.qualifiedName)'::regclass
                    """)
        ).collect().first
        let (sequential, index) = try #require(row).decode((Int, Int).self)
        return (sequential, index)
    }
}
