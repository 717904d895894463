import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

/// The codec's ISO 8601 timestamps, checked against Foundation's format style.
@Suite("Wire timestamps")
struct WireTimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (1_680_307_200.374, "2023-04-01T00:00:00.374Z"),
        (951_782_400.0, "2000-02-29T00:00:00.000Z"), (-1.0, "1969-12-31T23:59:59.000Z"),
        (1_700_000_000.9996, "2023-11-14T22:13:21.000Z"), (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
    ])
    func timestampsFormat(seconds: Double, text: String) {
        #expect(WireCodec.timestamp(Date(timeIntervalSince1970: seconds)) == text)
    }

    /// No row holds such a date (`Contact.isValidDate(_:)`), but the writer must not trap on
    /// one, from a store that broke its contract: NaN is written as the epoch, and dates
    /// outside years 1 through 9999 as the nearest end of them.
    @Test(arguments: [
        (Double.nan, "1970-01-01T00:00:00.000Z"), (.infinity, "9999-12-31T23:59:59.999Z"),
        (1e300, "9999-12-31T23:59:59.999Z"), (253_402_300_800, "9999-12-31T23:59:59.999Z"),
        (-.infinity, "0001-01-01T00:00:00.000Z"), (-62_135_596_801, "0001-01-01T00:00:00.000Z"),
    ])
    func datesNoRowHoldsDoNotTrap(seconds: Double, text: String) {
        #expect(WireCodec.timestamp(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func timestampsAgreeWithFoundationOnRandomDates() throws {
        var random = SplitMix64(seed: 5)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<2_000 {
            let milliseconds = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &random)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = WireCodec.timestamp(date)
            // Foundation truncates to the millisecond where the codec rounds: half a millisecond
            // more makes Foundation's truncation give the rounded value.
            #expect(text == style.format(date.addingTimeInterval(0.0005)), "\(milliseconds)")
            // Reading gives back the same instant, so writing it again gives the same text.
            let parsed = try #require(WireCodec.timestamp(from: text))
            #expect(parsed == date)
            #expect(WireCodec.timestamp(parsed) == text)
        }
    }

    @Test(arguments: [
        ("2023-04-01T00:00:00.374Z", 1_680_307_200.374), ("2023-04-01 00:00:00.374+00", 1_680_307_200.374),
        ("2023-04-01T02:00:00+02:00", 1_680_307_200), ("2023-04-01T02:00:00+0200", 1_680_307_200),
        ("2023-03-31T19:00:00-05:00", 1_680_307_200), ("2023-04-01T00:00:00", 1_680_307_200),
        ("2023-04-01T00:00:00.5Z", 1_680_307_200.5), ("2023-04-01T00:00:00.123456Z", 1_680_307_200.123456),
        // A date alone is midnight UTC, as other implementations' fixtures write dates.
        ("2023-04-01", 1_680_307_200), ("2024-02-29", 1_709_164_800), ("1969-12-31", -86_400),
        // The first and the last instant a row may hold.
        ("0001-01-01T00:00:00Z", -62_135_596_800), ("9999-12-31T23:59:59.999Z", 253_402_300_799.999),
    ])
    func timestampsParse(text: String, seconds: Double) throws {
        let date = try #require(WireCodec.timestamp(from: text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: [
        "", "2023-04-01T", "2023-04-01Z", "2023-02-29", "2023-4-01", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2023-04-31T00:00:00Z",
        "2023-04-01T24:00:00Z", "2023-04-01T00:60:00Z", "2023-04-01T00:00:60Z", "2023-04-01T00:00:00.Z",
        "2023-04-01T00:00:00.1234567890Z", "2023-04-01T00:00:00ZZ", "2023-04-01T00:00:00+25:00", "23-04-01T00:00:00Z",
        "2023-04-01T00:00:00 Z", "yesterday",
        // Dates no row may hold: the year 0000, or a zone that moves the instant out of 1–9999.
        "0000-12-31", "0000-12-31T23:59:59.999Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-01:00",
    ])
    func badTimestampsAreRefused(text: String) {
        #expect(WireCodec.timestamp(from: text) == nil)
    }
}
