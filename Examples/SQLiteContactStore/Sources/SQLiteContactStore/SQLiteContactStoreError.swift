/// Errors thrown by ``SQLiteContactStore`` besides GRDB's `DatabaseError` (which reports
/// what SQLite itself refused: a file that cannot be opened, a full disk, a busy timeout).
///
/// Each case names the table, column or row it is about, so a log line alone says what to fix.
public enum SQLiteContactStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The existing table cannot be used: a column is missing, or `id` is not the table's
    /// `INTEGER PRIMARY KEY`. Nothing was changed in the database.
    case incompatibleTable(table: String, column: String, reason: String)
    /// A stored row holds a value the store cannot read (a timestamp that is no date, an
    /// unknown `linkPrecedence`, a number where text belongs).
    case invalidRow(table: String, id: Int?, column: String, reason: String)
    /// `PRAGMA synchronous` did not take the requested value.
    case synchronousNotApplied(requested: String, actual: Int?)

    /// A one-line English description.
    public var description: String {
        switch self {
        case .incompatibleTable(let table, let column, let reason):
            "the existing table \"\(table)\" cannot be used: column \"\(column)\" \(reason)"
        case .invalidRow(let table, let id, let column, let reason):
            "cannot read column \"\(column)\" of \(table) row \(id.map(String.init) ?? "(unknown id)"): \(reason)"
        case .synchronousNotApplied(let requested, let actual):
            "PRAGMA synchronous = \(requested) did not apply (it reads back \(actual.map(String.init) ?? "nothing"))"
        }
    }
}
