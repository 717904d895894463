/// Errors thrown by ``PostgresContactStore`` and ``PostgresConnectionSettings``.
///
/// Every case names what it is about (the setting, the column, the server's SQLSTATE) so
/// that the message can be acted on from a log line alone. The cases a call can end with
/// after it started writing say so with ``mayHaveBeenApplied``: `true` means the server
/// may have committed the change before the error was seen (an "in doubt" outcome);
/// `false` means nothing of the call was written.
public enum PostgresContactStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A connection setting (an environment variable or a part of a URL) is invalid.
    case invalidSetting(name: String, reason: String)
    /// No connection to the server could be made (refused, timed out, authentication failed).
    case unreachable(endpoint: String, reason: String)
    /// The existing `"Contact"` table (or its schema) cannot be used by the store.
    case incompatibleSchema(table: String, column: String?, reason: String)
    /// The server reported an error while running a statement; nothing of the call was applied.
    case server(sqlState: String, message: String)
    /// The connection closed under a call: the socket failed, or the server ended the
    /// session (SQLSTATE `57P01`, sent by `pg_terminate_backend` and by a fast shutdown).
    /// The connection is discarded, never used again.
    case connectionLost(reason: String, mayHaveBeenApplied: Bool)
    /// The server is shutting down, crashed or is still starting (SQLSTATE `57P02`,
    /// `57P03`): it accepts no work for now.
    case serverShuttingDown(sqlState: String, message: String, mayHaveBeenApplied: Bool)
    /// The server aborted the transaction to keep transactions serializable or to break a
    /// deadlock (SQLSTATE `40001`, `40P01`); nothing was applied, and running it again may succeed.
    case serializationFailure(sqlState: String, message: String)
    /// A call did not finish within the store's ``PostgresContactStoreOptions/timeout``.
    case timeout(seconds: Double, mayHaveBeenApplied: Bool)

    /// ``timeout(seconds:mayHaveBeenApplied:)`` for a call whose deadline was `timeout` away.
    static func timeout(after timeout: Duration, mayHaveBeenApplied: Bool) -> PostgresContactStoreError {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return .timeout(seconds: seconds, mayHaveBeenApplied: mayHaveBeenApplied)
    }
    /// The server refused a write that breaks a constraint of the table (SQLSTATE class
    /// `23`, for example a `NOT NULL` or `CHECK` of an existing table); nothing was applied.
    case constraintViolation(sqlState: String, constraint: String?, message: String)
    /// A row could not be read: a column holds a value the store does not understand.
    case invalidRow(contactID: Int?, column: String, reason: String)
    /// A transaction could not settle its lock set after this many attempts
    /// (the groups it touched kept changing under extreme contention). Nothing was written.
    case lockSetUnstable(attempts: Int)

    /// Whether the change of the failed call may have been committed by the server.
    ///
    /// Only a connection lost, a shutdown or a timeout while the store's write was in
    /// flight leaves a call in doubt; every other case means nothing was written.
    public var mayHaveBeenApplied: Bool {
        switch self {
        case .connectionLost(_, let applied), .serverShuttingDown(_, _, let applied), .timeout(_, let applied):
            applied
        default:
            false
        }
    }

    /// Whether the failure is one of the connection or the server (lost, shutting down,
    /// serialization), after which the same call may succeed when run again.
    public var isTransient: Bool {
        switch self {
        case .connectionLost, .serverShuttingDown, .serializationFailure, .unreachable: true
        default: false
        }
    }

    /// A one-line English description.
    public var description: String {
        switch self {
        case .invalidSetting(let name, let reason):
            "invalid PostgreSQL connection setting \(name): \(reason)"
        case .unreachable(let endpoint, let reason):
            "cannot connect to PostgreSQL at \(endpoint): \(reason)"
        case .incompatibleSchema(let table, let column, let reason):
            if let column {
                "incompatible schema: column \(table).\"\(column)\" \(reason)"
            } else {
                "incompatible schema: table \(table) \(reason)"
            }
        case .server(let sqlState, let message):
            "PostgreSQL error \(sqlState): \(message)"
        case .connectionLost(let reason, let applied):
            "the connection to PostgreSQL was lost (\(Self.doubt(applied))): \(reason)"
        case .serverShuttingDown(let sqlState, let message, let applied):
            "PostgreSQL is shutting down or starting (\(sqlState), \(Self.doubt(applied))): \(message)"
        case .serializationFailure(let sqlState, let message):
            "PostgreSQL aborted the transaction (\(sqlState), nothing was written): \(message)"
        case .timeout(let seconds, let applied):
            "a PostgreSQL call did not finish within \(seconds) s (\(Self.doubt(applied)))"
        case .constraintViolation(let sqlState, let constraint, let message):
            "PostgreSQL refused the write (\(sqlState)\(constraint.map { ", constraint \($0)" } ?? ""), "
                + "nothing was written): \(message)"
        case .invalidRow(let contactID, let column, let reason):
            "cannot read column \"\(column)\" of contact \(contactID.map(String.init) ?? "?"): \(reason)"
        case .lockSetUnstable(let attempts):
            "a transaction could not lock a stable set of groups after \(attempts) attempts; nothing was written"
        }
    }

    private static func doubt(_ mayHaveBeenApplied: Bool) -> String {
        mayHaveBeenApplied ? "the change may have been applied" : "nothing was written"
    }
}
