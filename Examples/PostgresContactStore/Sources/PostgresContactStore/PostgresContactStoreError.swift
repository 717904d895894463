/// Errors thrown by ``PostgresContactStore`` and ``PostgresConnectionSettings``.
///
/// Every case names what it is about (the setting, the column, the server's SQLSTATE) so
/// that the message can be acted on from a log line alone.
public enum PostgresContactStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A connection setting (an environment variable or a part of a URL) is invalid.
    case invalidSetting(name: String, reason: String)
    /// No connection to the server could be made (refused, timed out, authentication failed).
    case unreachable(endpoint: String, reason: String)
    /// The existing `"Contact"` table (or its schema) cannot be used by the store.
    case incompatibleSchema(table: String, column: String?, reason: String)
    /// The server reported an error while running a statement; nothing of the transaction was applied.
    case server(sqlState: String, message: String)
    /// The connection failed in the middle of a transaction; the transaction was rolled back by the server.
    case connectionLost(reason: String)
    /// A row could not be read: a column holds a value the store does not understand.
    case invalidRow(contactID: Int?, column: String, reason: String)
    /// A transaction could not settle its lock set after this many attempts
    /// (the groups it touched kept changing under extreme contention). Nothing was written.
    case lockSetUnstable(attempts: Int)

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
        case .connectionLost(let reason):
            "the connection to PostgreSQL failed during a transaction (rolled back): \(reason)"
        case .invalidRow(let contactID, let column, let reason):
            "cannot read column \"\(column)\" of contact \(contactID.map(String.init) ?? "?"): \(reason)"
        case .lockSetUnstable(let attempts):
            "a transaction could not lock a stable set of groups after \(attempts) attempts; nothing was written"
        }
    }
}
