import Foundation
import GRDB

/// How the `"Contact"` table's `createdAt`, `updatedAt` and `deletedAt` columns hold dates.
///
/// SQLite has no date type, so each program picks a representation: Prisma writes integer
/// milliseconds since 1970, TypeORM, Sequelize and SQLAlchemy write UTC text such as
/// `2023-04-01 00:00:00.374`. The store reads either form in any row, whatever the format,
/// and writes new values in this one, so the program that owns the table keeps reading it.
/// Both keep milliseconds: dates are rounded to the millisecond when written.
public enum SQLiteTimestampFormat: String, Sendable, Hashable, CaseIterable {
    /// `INTEGER` milliseconds since 1970-01-01 UTC, as Prisma writes them.
    case unixMilliseconds
    /// `TEXT` `YYYY-MM-DD HH:MM:SS.SSS` in UTC, SQLite's own `datetime` form.
    case text

    /// The value written into a column for `date`, rounded to the millisecond.
    func databaseValue(_ date: Date) -> DatabaseValue {
        let milliseconds = Self.milliseconds(date)
        switch self {
        case .unixMilliseconds:
            return milliseconds.databaseValue
        case .text:
            return Self.text(milliseconds: milliseconds).databaseValue
        }
    }

    /// The date a column value holds: a number is milliseconds since 1970, text is parsed
    /// by ``date(text:)``.
    ///
    /// - Returns: `nil` for a value of neither form (a blob, text that is no date, `NULL`).
    static func date(_ value: DatabaseValue) -> Date? {
        switch value.storage {
        case .int64(let milliseconds):
            Date(milliseconds: milliseconds)
        case .double(let milliseconds) where milliseconds.isFinite:
            Date(timeIntervalSince1970: milliseconds / 1000)
        case .string(let text):
            date(text: text)
        default:
            nil
        }
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM`, `:SS`,
    /// a fraction of any length, and `Z` or an offset (`+05:30`, ` +00:00`, `-0800`).
    /// Without an offset the time is UTC; a date alone is midnight UTC.
    ///
    /// - Returns: `nil` when `text` is not of that form or names no valid time.
    static func date(text: String) -> Date? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"), let month = scanner.number(digits: 2),
            scanner.skip("-"), let day = scanner.number(digits: 2), (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var milliseconds = Int64(daysSinceEpoch(year: year, month: month, day: day)) * 86_400_000
        guard !scanner.isAtEnd else { return Date(milliseconds: milliseconds) }
        guard scanner.skip("T") || scanner.skip(" "), let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), hour < 24, minute < 60
        else { return nil }
        var second = 0
        var fraction = 0.0
        if scanner.skip(":") {
            guard let value = scanner.number(digits: 2), value < 60 else { return nil }
            second = value
            if scanner.skip(".") {
                var scale = 0.1
                var digits = 0
                while let digit = scanner.digit() {
                    fraction += Double(digit) * scale
                    scale /= 10
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        milliseconds += Int64((hour * 60 + minute) * 60 + second) * 1000 + Int64((fraction * 1000).rounded())
        _ = scanner.skip(" ")
        if scanner.skip("Z") {
        } else if let sign = scanner.sign() {
            guard let hours = scanner.number(digits: 2), hours < 24 else { return nil }
            _ = scanner.skip(":")
            guard let minutes = scanner.number(digits: 2), minutes < 60 else { return nil }
            milliseconds -= Int64(sign * (hours * 60 + minutes)) * 60_000
        }
        return scanner.isAtEnd ? Date(milliseconds: milliseconds) : nil
    }

    /// The date rounded to whole milliseconds since 1970.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// `YYYY-MM-DD HH:MM:SS.SSS` in UTC.
    static func text(milliseconds: Int64) -> String {
        let (days, inDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, time) = inDay < 0 ? (days - 1, inDay + 86_400_000) : (days, inDay)
        let (year, month, dayOfMonth) = civilDate(daysSinceEpoch: Int(day))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int64(year), 4))-\(pad(Int64(month), 2))-\(pad(Int64(dayOfMonth), 2)) "
            + "\(pad(time / 3_600_000, 2)):\(pad(time / 60_000 % 60, 2)):\(pad(time / 1000 % 60, 2))."
            + pad(time % 1000, 3)
    }

    // Howard Hinnant's days_from_civil and civil_from_days (proleptic Gregorian calendar).

    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads ASCII fields from UTF-8 bytes.
private struct Scanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func digit() -> Int? {
        guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else {
            return nil
        }
        defer { position += 1 }
        return Int(bytes[position] - UInt8(ascii: "0"))
    }

    /// Exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int? {
        var value = 0
        for _ in 0..<digits {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// `+1` or `-1` for a sign character.
    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}

extension Date {
    fileprivate init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
