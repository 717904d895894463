#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ISO 8601 timestamps with milliseconds in UTC (`2023-04-01T00:00:00.374Z`), the form rows
/// and links are written in, without a date formatter (``WireCodec/appendTimestamp(_:to:)``,
/// ``WireCodec/timestamp(from:)``).
///
/// Writing rounds to the millisecond. Reading also accepts what database exports and other
/// implementations' fixtures contain: a space instead of `T`, no fraction or up to nine
/// fraction digits, a zone written `Z`, `+HH`, `+HHMM` or `+HH:MM` (a timestamp without a
/// zone is UTC), and a date alone (`2023-01-01`, midnight UTC). Reading what was written
/// gives back the same text.
enum WireTimestamp {
    /// Appends the timestamp's text to a byte buffer.
    static func append(_ date: Date, to output: inout [UInt8]) {
        let (days, millisecondOfDay) = floorDivision(milliseconds(date), 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: Int(days))
        let seconds = Int(millisecondOfDay / 1000)
        appendDigits(year, count: 4, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &output)
        output.append(UInt8(ascii: "T"))
        appendDigits(seconds / 3600, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, count: 2, to: &output)
        output.append(UInt8(ascii: "."))
        appendDigits(Int(millisecondOfDay % 1000), count: 3, to: &output)
        output.append(UInt8(ascii: "Z"))
    }

    /// The milliseconds since 1970 that the text of `date` shows: two dates with the same
    /// value are written alike.
    static func milliseconds(_ date: Date) -> Int64 {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        // No row holds a date outside years 1 through 9999 (`Contact.isValidDate(_:)`), but a
        // row of a store that broke its contract may: clamp to those years, so that the text
        // has four-digit years and reads back, and write NaN as the epoch.
        guard !milliseconds.isNaN else { return 0 }
        let first = (Contact.firstValidSecond * 1000).rounded()
        let last = (Contact.lastValidSecond * 1000).rounded()
        return Int64(max(min(milliseconds, last), first))
    }

    /// The timestamp's text.
    static func string(_ date: Date) -> String {
        var bytes: [UInt8] = []
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses a timestamp, or returns `nil` when the text is not one of the accepted forms,
    /// names a day or time that does not exist, or a date no row may hold
    /// (`Contact.isValidDate(_:)`: the year 0000, or a zone that moves it out of years 1
    /// through 9999).
    static func parse(_ text: String) -> Date? {
        parseAnyYear(text).flatMap { Contact.isValidDate($0) ? $0 : nil }
    }

    /// Parses a timestamp as ``parse(_:)`` does, but any year of four digits: what tells a
    /// date out of the range a row may hold from text that is not a timestamp at all.
    static func parseAnyYear(_ text: String) -> Date? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.skip("-"),
            let month = scanner.digits(2), scanner.skip("-"),
            let day = scanner.digits(2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        // A date alone is midnight UTC: other implementations' fixtures write dates that way.
        if scanner.isAtEnd {
            return Date(timeIntervalSince1970: Double(daysSinceEpoch(year: year, month: month, day: day) * 86_400))
        }
        guard scanner.skip("T") || scanner.skip(" ") || scanner.skip("t"),
            let hour = scanner.digits(2), scanner.skip(":"),
            let minute = scanner.digits(2), scanner.skip(":"),
            let second = scanner.digits(2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var nanoseconds = 0
        if scanner.skip(".") {
            var count = 0
            while let digit = scanner.digits(1) {
                guard count < 9 else { return nil }
                nanoseconds = nanoseconds * 10 + digit
                count += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { nanoseconds *= 10 }
        }
        var offsetSeconds = 0
        if scanner.skip("Z") || scanner.skip("z") || scanner.isAtEnd {
            offsetSeconds = 0
        } else {
            let sign: Int
            if scanner.skip("+") {
                sign = 1
            } else if scanner.skip("-") {
                sign = -1
            } else {
                return nil
            }
            guard let hours = scanner.digits(2), hours < 24 else { return nil }
            var minutes = 0
            if !scanner.isAtEnd {
                _ = scanner.skip(":")
                guard let value = scanner.digits(2), value < 60 else { return nil }
                minutes = value
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard scanner.isAtEnd else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let wholeSeconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        // Whole milliseconds are built from integers so that they read back exactly.
        if nanoseconds % 1_000_000 == 0 {
            return Date(timeIntervalSince1970: Double(wholeSeconds * 1000 + nanoseconds / 1_000_000) / 1000)
        }
        return Date(timeIntervalSince1970: Double(wholeSeconds) + Double(nanoseconds) / 1e9)
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, after Howard Hinnant's algorithms)

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    private static func appendDigits(_ value: Int, count: Int, to output: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var value = max(value, 0)
        // Years past 9999 keep all their digits.
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(value / divisor))
            value %= divisor
            divisor /= 10
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var isAtEnd: Bool { position == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += count
            return value
        }
    }
}
