#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the store learned about an existing `"Contact"` table when it checked it, and the
/// SQL fragments that follow from it. The store's own `"ContactLink"` table sits beside it.
///
/// The store accepts the shapes that ORMs commonly create for the task's table: `integer`
/// or `bigint` ids (serial or identity), `text` or `varchar` values, `"linkPrecedence"` as
/// text or as an enum type with the labels `primary` and `secondary`, and `timestamptz`
/// or `timestamp` (read and written as UTC) of any precision.
struct ContactTableLayout: Sendable, Hashable {
    /// The schema holding the table.
    var schema: String
    /// Timestamp columns declared `timestamp without time zone`; their values are UTC.
    var timestampsWithoutTimeZone: Set<String> = []
    /// The fewest fractional-second digits of the three timestamp columns (0–6).
    var timestampPrecision: Int = 6
    /// The SQL type of `"linkPrecedence"` (`text`, or an enum type, quoted and qualified as
    /// `format_type` writes it), to cast bound text to.
    var precedenceType = "text"

    /// `"schema"."Contact"`, quoted for SQL.
    var qualifiedName: String { Self.quoted(schema) + ".\"Contact\"" }

    /// `"schema"."ContactLink"`, the links table, quoted for SQL.
    var linksQualifiedName: String { Self.quoted(schema) + ".\"ContactLink\"" }

    /// The columns of `"ContactLink"` in `ContactLink`'s order (byte order for the values,
    /// whatever the database's collation), for `ORDER BY`, keyset conditions and the index.
    static let linkOrder = #""createdAt", email COLLATE "C", "phoneNumber" COLLATE "C""#

    /// `column` of the row `alias` read as `timestamptz` (a `timestamp` column holds UTC).
    func read(_ column: String, of alias: String) -> String {
        let value = "\(alias).\(Self.quoted(column))"
        return timestampsWithoutTimeZone.contains(column) ? "(\(value) AT TIME ZONE 'UTC')" : value
    }

    /// A bound timestamp parameter as written into `column`.
    func write(_ column: String) -> (prefix: String, suffix: String) {
        timestampsWithoutTimeZone.contains(column) ? ("(", " AT TIME ZONE 'UTC')") : ("", "")
    }

    /// `date` rounded the way the server stores it in this table, so that the rows a
    /// transaction reports are the rows later reads return.
    func stored(_ date: Date) -> Date {
        var timestamp = PostgresTimestamp(date)
        var scale: Int64 = 1
        for _ in timestampPrecision..<6 { scale *= 10 }
        if scale > 1 {
            // As PostgreSQL's AdjustTimestampForTypmod: half away from zero.
            let magnitude = (timestamp.microseconds.magnitude + UInt64(scale / 2)) / UInt64(scale) * UInt64(scale)
            timestamp.microseconds = timestamp.microseconds < 0 ? -Int64(magnitude) : Int64(magnitude)
        }
        return timestamp.date
    }

    /// An SQL identifier in double quotes, with embedded quotes doubled.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacing("\"", with: "\"\"") + "\""
    }
}
