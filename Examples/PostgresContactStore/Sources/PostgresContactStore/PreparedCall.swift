import Logging
import PostgresNIO

/// A statement of the store's hot path, run through PostgresNIO's prepared-statement API
/// (`PostgresConnection.execute(_:logger:)`): the first call on a connection parses and
/// describes it under ``Statement/name``, every later call on that connection only binds
/// and executes it, in one round trip.
///
/// PostgresNIO reads a prepared statement's name and SQL from its type (`static`), but the
/// store's SQL names its schema, known only at run time. So the type's `name` and `sql`
/// are those of ``current``, a task-local that ``run(_:_:on:logger:)`` binds around
/// `execute`, which reads both synchronously before it first suspends (and again, in the
/// same task, when it reports an error). Each ``Statement`` has its own name, so
/// statements of stores in different schemas sharing one client never collide.
struct PreparedCall: PostgresPreparedStatement {
    /// The SQL of one statement and the name it is prepared under on each connection.
    struct Statement: Sendable, Hashable {
        /// `identity_<base>_<FNV-1a of the SQL, hex>`: the same in every process for the same
        /// SQL, and well under PostgreSQL's 63-byte limit for names.
        let name: String
        let sql: String

        init(base: String, sql: String) {
            self.sql = sql
            let hash = UInt64(bitPattern: AdvisoryLockKey.hash(sql))
            name = "identity_\(base)_" + String(hash, radix: 16)
        }
    }

    /// The statement of the call running in this task.
    @TaskLocal static var current = Statement(base: "unset", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    typealias Row = PostgresRow

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// Runs `statement` with `bindings` on `connection`, prepared, and returns its rows
    /// through `body`.
    static func run<Result>(
        _ statement: Statement, _ bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger,
        _ body: (AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>) async throws -> Result
    ) async throws -> Result {
        try await $current.withValue(statement) {
            try await body(connection.execute(PreparedCall(bindings: bindings), logger: logger))
        }
    }
}
