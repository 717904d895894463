import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A timestamp as PostgreSQL stores it: whole microseconds since 2000-01-01 00:00:00 UTC.
///
/// PostgresNIO's own `Date` coding truncates towards zero and converts through two
/// floating-point steps, so a `Date` read back is not always the one written. This type
/// rounds to the nearest microsecond once, and maps a microsecond count to one canonical
/// `Date`, so writing a value read from the server and reading it again is exact, and any
/// `Date` that is a whole number of microseconds (like every whole second) round-trips exactly.
struct PostgresTimestamp: Hashable, Sendable {
    /// Microseconds since 2000-01-01 00:00:00 UTC.
    var microseconds: Int64

    /// 2000-01-01 00:00:00 UTC, as seconds since 2001-01-01 (`Date`'s reference date).
    private static let postgresEpoch: Double = -31_622_400

    init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The timestamp nearest to `date`.
    init(_ date: Date) {
        let seconds = date.timeIntervalSinceReferenceDate - Self.postgresEpoch
        microseconds = Int64((seconds * 1_000_000).rounded())
    }

    /// The canonical `Date` of this timestamp.
    var date: Date {
        Date(timeIntervalSinceReferenceDate: Double(microseconds) / 1_000_000 + Self.postgresEpoch)
    }

    /// `date` rounded to the precision the store keeps.
    static func rounded(_ date: Date) -> Date {
        PostgresTimestamp(date).date
    }
}

extension PostgresTimestamp: PostgresNonThrowingEncodable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer,
        context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger(microseconds)
    }
}

extension PostgresTimestamp: PostgresArrayEncodable {
    static var psqlArrayType: PostgresDataType { .timestamptzArray }
}

extension PostgresTimestamp: PostgresDecodable {
    /// Decodes `timestamptz`, and `timestamp` (without time zone) read as UTC.
    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp else { throw PostgresDecodingError.Code.typeMismatch }
        guard format == .binary, buffer.readableBytes == 8, let value = buffer.readInteger(as: Int64.self) else {
            throw PostgresDecodingError.Code.failure
        }
        microseconds = value
    }
}
