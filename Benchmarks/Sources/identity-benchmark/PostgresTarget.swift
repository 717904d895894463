import Foundation
import IdentityReconciliation
import PostgresContactStore
import PostgresNIO
import Synchronization

/// Everything that depends on `PostgresContactStore`, kept in one file.
///
/// The server is the one the `PG*` environment variables name (`PGHOST`, `PGPORT`, `PGUSER`,
/// `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`), as for the store's own tests; without any of
/// them, or when the server cannot be reached, the target is skipped with the reason.
/// `scripts/bench.sh` starts a throwaway cluster and sets them.
///
/// Every run gets a new, empty schema (the store creates its `"Contact"` table and indexes
/// there), dropped when the run finishes, so runs never see each other's rows.
enum PostgresTarget {
    /// Connections each store's pool may open: one per caller at the largest default
    /// concurrency level, so no caller waits for a connection inside the store.
    static let maximumConnections = 64

    /// The server settings that decide what a commit costs, as the report shows them.
    static let reportedSettings = [
        "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "commit_delay", "wal_level",
        "shared_buffers", "max_connections",
    ]

    /// The server's settings, read once over a direct connection.
    ///
    /// - Throws: ``TargetUnavailable`` when no server is given or it cannot be reached.
    static func server() async throws -> PostgresServer {
        let settings = try settings()
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try settings.connectionConfiguration(), id: 0,
                logger: PostgresContactStore.silentLogger)
        } catch {
            throw TargetUnavailable(target: .postgres, reason: "cannot connect to \(settings): \(reason(for: error))")
        }
        do {
            // For the round trips per identify (StatementCounter); without the library
            // preloaded this fails, and the report then has no round-trip figures.
            _ = try? await connection.query(
                "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", logger: PostgresContactStore.silentLogger
            ).collect()
            let names = ["server_version"] + reportedSettings
            let rows = try await connection.query(
                "SELECT name, setting, unit FROM pg_settings WHERE name = ANY(\(names))",
                logger: PostgresContactStore.silentLogger
            ).collect()
            var values: [String: String] = [:]
            for row in rows {
                let (name, setting, unit) = try row.decode((String, String, String?).self)
                values[name] = display(setting, unit: unit)
            }
            try? await connection.close()
            return PostgresServer(
                endpoint: settings.description, version: values.removeValue(forKey: "server_version") ?? "unknown",
                settings: values)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Opens a new, empty store in a new schema, over its own connection pool; with
    /// `reference`, also installs ``PostgresReference`` there.
    ///
    /// - Throws: ``TargetUnavailable`` when no server is given; `PostgresContactStoreError`
    ///   when the schema cannot be created.
    static func open(reference: Bool = false) async throws -> OpenedTarget {
        let client = PostgresClient(
            configuration: try settings().clientConfiguration(maximumConnections: maximumConnections),
            backgroundLogger: PostgresContactStore.silentLogger)
        // Unstructured because the store outlives this call; stopping it closes the connections.
        let running = Task { await client.run() }
        @Sendable func stop() async {
            running.cancel()
            await running.value
        }
        let schema = newSchemaName()
        let counter = StatementCounter(client: client)
        let store: PostgresContactStore
        let installed: PostgresReference?
        do {
            // A generous deadline: on a shared machine 64 callers queueing on one customer's
            // locks can wait seconds, and a run measures throughput, not deadlines.
            store = try await PostgresContactStore.open(
                client: client, schema: schema, options: PostgresContactStoreOptions(timeout: .seconds(120)))
            installed = reference ? try await PostgresReference.install(in: schema, client: client) : nil
        } catch {
            try? await dropSchema(schema, client)
            await stop()
            throw error
        }
        return OpenedTarget(
            store: store,
            finish: {
                do {
                    let bytes = try await tableBytes(schema, client)
                    try await dropSchema(schema, client)
                    await stop()
                    return bytes
                } catch {
                    try? await dropSchema(schema, client)
                    await stop()
                    throw error
                }
            },
            settle: { try await settle(schema, client) },
            reference: installed,
            statements: await counter.isAvailable() ? counter : nil)
    }

    /// Runs `body` with a factory of new, empty stores (each in its own schema) sharing
    /// one connection pool; drops every schema afterwards. For the conformance check, which
    /// opens many stores and never finishes them.
    static func withStores(
        _ body: (@escaping @Sendable () async throws -> any ContactStore) async throws -> Void
    ) async throws {
        let client = PostgresClient(
            configuration: try settings().clientConfiguration(maximumConnections: maximumConnections),
            backgroundLogger: PostgresContactStore.silentLogger)
        let schemas = SchemaList()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var failure: (any Error)?
            do {
                try await body {
                    let schema = newSchemaName()
                    schemas.append(schema)
                    return try await PostgresContactStore.open(client: client, schema: schema)
                }
            } catch {
                failure = error
            }
            for schema in schemas.names { try? await dropSchema(schema, client) }
            if let failure { throw failure }
        }
    }

    // MARK: - Helpers

    private static func settings() throws -> PostgresConnectionSettings {
        guard PostgresConnectionSettings.isConfigured() else {
            throw TargetUnavailable(
                target: .postgres,
                reason: "no server given: set PGHOST, PGPORT, PGUSER or PGDATABASE "
                    + "(scripts/bench.sh starts a throwaway cluster)")
        }
        return try PostgresConnectionSettings.environment()
    }

    /// A schema name no other run uses.
    private static func newSchemaName() -> String {
        "identity_benchmark_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// Bytes of the table with its indexes and TOAST data (`pg_total_relation_size`); dead
    /// row versions left by merges count until a vacuum reclaims them. The WAL is not counted.
    private static func tableBytes(_ schema: String, _ client: PostgresClient) async throws -> Int? {
        let table = "\"\(schema)\".\"Contact\""
        let rows = try await client.query(
            "SELECT pg_total_relation_size(\(table)::regclass)::int8", logger: PostgresContactStore.silentLogger
        ).collect()
        return try rows.first?.decode(Int.self)
    }

    /// Leaves the server as a long-running one would be before the timed part, whatever was
    /// loaded: `VACUUM ANALYZE` of the run's tables (otherwise autovacuum visits every
    /// imported row, and the planner has no statistics, in the middle of the timed part), then
    /// `CHECKPOINT` (otherwise the import's dirty pages are written, and synced, while the
    /// timed commits wait for their own syncs). `CHECKPOINT` needs a superuser or the
    /// `pg_checkpoint` role; without it the run goes on after the vacuum.
    static func settle(_ schema: String, _ client: PostgresClient) async throws {
        // The name is generated here (letters, digits, underscores), so quoting it is enough.
        _ = try await client.query(
            PostgresQuery(unsafeSQL: "VACUUM ANALYZE \"\(schema)\".\"Contact\", \"\(schema)\".\"ContactLink\""),
            logger: PostgresContactStore.silentLogger
        ).collect()
        _ = try? await client.query("CHECKPOINT", logger: PostgresContactStore.silentLogger).collect()
    }

    private static func dropSchema(_ schema: String, _ client: PostgresClient) async throws {
        // The name is generated here (letters, digits, underscores), so quoting it is enough.
        _ = try await client.query(
            PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"),
            logger: PostgresContactStore.silentLogger
        ).collect()
    }

    /// A setting with its unit, as `SHOW` prints the common ones (`128MB` for 16384 × 8kB).
    private static func display(_ setting: String, unit: String?) -> String {
        guard let unit, let value = Int(setting) else { return setting }
        switch unit {
        case "8kB": return value * 8 % 1024 == 0 ? "\(value * 8 / 1024)MB" : "\(value * 8)kB"
        case "kB": return value % 1024 == 0 ? "\(value / 1024)MB" : "\(value)kB"
        default: return setting + unit
        }
    }

    /// A connection error without bound values or passwords.
    private static func reason(for error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        var parts = ["\(error.code)"]
        if let message = error.serverInfo?[.message] { parts.append(message) }
        if let underlying = error.underlying { parts.append(String(describing: underlying)) }
        return parts.joined(separator: ": ")
    }
}

/// The server a run measured, for the report.
struct PostgresServer: Codable, Sendable {
    /// `host:port` or the socket path.
    var endpoint: String
    /// `server_version`, for example `15.18 (Debian 15.18-0+deb12u1)`.
    var version: String
    /// ``PostgresTarget/reportedSettings`` by name.
    var settings: [String: String]

    /// One line for the text report.
    var summary: String {
        "PostgreSQL \(version) at \(endpoint): "
            + PostgresTarget.reportedSettings.compactMap { name in settings[name].map { "\(name)=\($0)" } }
            .joined(separator: ", ")
    }
}

/// Schema names created by ``PostgresTarget/withStores(_:)``, dropped afterwards.
private final class SchemaList: Sendable {
    private let list = Mutex<[String]>([])

    var names: [String] { list.withLock { $0 } }

    func append(_ name: String) { list.withLock { $0.append(name) } }
}
