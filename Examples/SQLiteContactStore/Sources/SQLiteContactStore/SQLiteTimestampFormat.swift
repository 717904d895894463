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
        guard let midnight = utc.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
        var milliseconds = Self.milliseconds(midnight)
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
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (whole, millisecond) = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(seconds: whole))
        func pad(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2)) "
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(Int(millisecond), 3))"
    }

    /// The Gregorian calendar in UTC.
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The days in a month, so that `2023-02-30` is refused rather than rolled over by the calendar.
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

    fileprivate init(seconds: Int64) {
        self.init(timeIntervalSince1970: Double(seconds))
    }
}
