import Foundation
import Testing

@testable import SQLiteContactStore

@Suite("Timestamps")
struct SQLiteTimestampFormatTests {
    /// Seconds since 1970 of 2023-04-01T00:00:00Z.
    static let april1: Double = 1_680_307_200

    static let valid: [(String, Double)] = [
        ("2023-04-01", april1),
        ("2023-04-01 00:00:00", april1),
        ("2023-04-01T00:00:00Z", april1),
        ("2023-04-01 00:00:00.374", april1 + 0.374),
        ("2023-04-01T00:00:00.37Z", april1 + 0.37),
        ("2023-04-01T00:00:00.374999Z", april1 + 0.375),
        ("2023-04-01 05:30:00.000 +05:30", april1),
        ("2023-04-01T00:00:00-0800", april1 + 8 * 3600),
        ("2023-04-01T12:34", april1 + 12 * 3600 + 34 * 60),
        ("1969-12-31T23:59:59.999Z", -0.001),
        ("2024-02-29", 1_709_164_800),
    ]

    @Test(arguments: valid)
    func parses(text: String, seconds: Double) {
        #expect(SQLiteTimestampFormat.date(text: text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: [
        "", "2023", "2023-4-01", "2023-13-01", "2023-02-29", "2023-04-31", "2023-04-01T", "2023-04-01T24:00",
        "2023-04-01T00:60", "2023-04-01T00:00:00.", "2023-04-01T00:00:00Zx", "2023-04-01T00:00:00+5", "yesterday",
    ])
    func refuses(text: String) {
        #expect(SQLiteTimestampFormat.date(text: text) == nil)
    }

    static let instants: [Int64] = [
        0, -1, 1_680_307_200_374, 951_782_400_000, -62_135_596_800_000, 253_402_300_799_999,
    ]

    @Test(arguments: instants)
    func textRoundTrips(milliseconds: Int64) throws {
        let text = SQLiteTimestampFormat.text(milliseconds: milliseconds)
        let date = try #require(SQLiteTimestampFormat.date(text: text), "\(text)")
        #expect(SQLiteTimestampFormat.milliseconds(date) == milliseconds, "\(text)")
    }

    @Test func textIsSQLiteDatetimeForm() {
        #expect(SQLiteTimestampFormat.text(milliseconds: 1_680_307_200_374) == "2023-04-01 00:00:00.374")
        #expect(SQLiteTimestampFormat.text(milliseconds: -1) == "1969-12-31 23:59:59.999")
    }
}
