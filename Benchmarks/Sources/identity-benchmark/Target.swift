import Foundation
import IdentityReconciliation
import SQLiteContactStore

/// A store configuration the benchmark measures.
enum Target: String, Sendable, CaseIterable, Codable {
    case memory
    case fileImmediate = "file-immediate"
    case fileGrouped = "file-grouped"
    case fileDeferred = "file-deferred"
    case sqliteFull = "sqlite-full"
    case sqliteNormal = "sqlite-normal"
    /// `PostgresContactStore` on the server the `PG*` environment variables name
    /// (see ``PostgresTarget``); skipped without one.
    case postgres
    /// **A reference, not a store:** the same identify rules as one PL/pgSQL function,
    /// called once per identify as a prepared statement (see ``PostgresReference``), on the
    /// same server and table layout as `postgres`; what the store is measured against.
    case postgresReference = "postgres-reference"

    /// Whether every writing identify waits for its own (or a shared) sync to stable
    /// storage; those targets run the shorter `--durable-requests` prefix of each workload.
    var syncsEveryCommit: Bool {
        switch self {
        // PostgreSQL flushes its WAL at every commit that wrote (synchronous_commit=on).
        case .fileImmediate, .fileGrouped, .sqliteFull, .postgres, .postgresReference: true
        case .memory, .fileDeferred, .sqliteNormal: false
        }
    }

    var isFileStore: Bool {
        switch self {
        case .fileImmediate, .fileGrouped, .fileDeferred: true
        case .memory, .sqliteFull, .sqliteNormal, .postgres, .postgresReference: false
        }
    }

    /// Whether the store keeps its rows in this process, so that the growth of its resident
    /// memory per row means something.
    var keepsRowsInProcess: Bool { !isPostgres }

    /// Whether the target runs on the PostgreSQL server (and is skipped without one).
    var isPostgres: Bool { self == .postgres || self == .postgresReference }

    /// Opens a new, empty store of this kind inside `directory` (which exists and is empty).
    ///
    /// - Throws: ``TargetUnavailable`` when the target cannot run here (no PostgreSQL server).
    func open(in directory: String) async throws -> OpenedTarget {
        switch self {
        case .memory:
            return OpenedTarget(store: InMemoryContactStore(), finish: { nil })
        case .sqliteFull, .sqliteNormal:
            let store = try SQLiteContactStore(
                path: directory + "/contacts.sqlite", synchronous: self == .sqliteFull ? .full : .normal)
            return OpenedTarget(
                store: store,
                finish: {
                    try store.checkpoint()
                    let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
                    return attributes[.size] as? Int
                })
        case .fileImmediate, .fileGrouped, .fileDeferred:
            return try FileStoreTargets.open(self, in: directory)
        case .postgres:
            // A new schema on the server; `directory` is not used.
            return try await PostgresTarget.open()
        case .postgresReference:
            return try await PostgresTarget.open(reference: true)
        }
    }
}
