import PostgresContactStore
import PostgresNIO

/// Statements the server ran for a run, from `pg_stat_statements`: with its default
/// `track = top`, each call is one statement a client sent, that is one round trip
/// (PostgresNIO sends one statement per round trip; the statements PL/pgSQL functions run
/// inside are not counted). The first use of a prepared statement on a connection costs
/// one more round trip (parse), which it does not count: at most one per connection and
/// statement, a few dozen in a run of thousands.
///
/// Needs the extension: the server started with `shared_preload_libraries =
/// 'pg_stat_statements'` (as `scripts/postgres-cluster.sh` starts it) and `CREATE EXTENSION
/// pg_stat_statements` in the database (``PostgresTarget/server()`` runs it).
struct StatementCounter: Sendable {
    let client: PostgresClient

    /// Forgets every statement counted so far (the whole server's: one run at a time).
    func reset() async throws {
        _ = try await client.query("SELECT pg_stat_statements_reset()", logger: PostgresContactStore.silentLogger)
            .collect()
    }

    /// Calls of every statement of this database since ``reset()``, this counter's own left out.
    func count() async throws -> Int {
        let rows = try await client.query(
            """
            SELECT COALESCE(sum(calls), 0)::int8 FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT LIKE '%pg_stat_statements%'
            """, logger: PostgresContactStore.silentLogger
        ).collect()
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// Whether the server tracks statements (the extension is loaded and created).
    func isAvailable() async -> Bool {
        (try? await count()) != nil
    }
}
