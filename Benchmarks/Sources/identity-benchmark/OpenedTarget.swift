import IdentityReconciliation

/// An open store under test.
struct OpenedTarget: Sendable {
    /// The store; for `postgres-reference`, a store over the reference's table, used only to
    /// load the workload's rows and read the table back.
    var store: any ContactStore
    /// Makes everything durable, closes the store and returns its size on disk in bytes
    /// (`nil` for the in-memory store). The store is not used afterwards.
    var finish: @Sendable () async throws -> Int?
    /// Runs after the workload's rows are loaded and before the timed part: for a server,
    /// `VACUUM ANALYZE` of the tables and a `CHECKPOINT` (see ``PostgresTarget/settle(_:_:)``).
    var settle: (@Sendable () async throws -> Void)? = nil
    /// The reference that identifies instead of a resolver over ``store`` (`postgres-reference`).
    var reference: PostgresReference? = nil
    /// Counts the server's statements (`pg_stat_statements`), when the target has a server
    /// that tracks them.
    var statements: StatementCounter? = nil
}
