#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The task's wire format as bytes: request bodies in, response bodies out, and the rows and
/// links of the `Contact` table as JSON lines, without `JSONEncoder` or `JSONDecoder`.
///
/// A server or a command-line tool moves a million of these a minute; going through
/// `Codable` would cost more than the identify itself, and `JSONEncoder` does not keep the
/// task's key order. The codec writes exactly what `JSONEncoder` with
/// `.withoutEscapingSlashes` writes for the same values, keys in the task's order, and reads
/// exactly RFC 8259 JSON text, refusing anything else with a ``WireCodecError``.
///
/// - Requests: ``decodeRequest(_:)`` reads a `POST /identify` body (the usual body in one
///   pass, any other through a general reader, with the same result); ``readObject(_:member:)``
///   and ``request(email:phoneNumber:)`` read a body with members of the caller's own.
/// - Responses: ``appendResponse(_:to:)``, ``appendContact(_:to:)`` and
///   ``appendContacts(_:to:)`` (the body of a correction).
/// - Rows and links: ``appendRow(_:to:)``, ``appendLink(_:to:)``, ``decodeRow(_:)``,
///   ``decodeExportLine(_:)`` and ``row(columns:)`` (for CSV), with ISO 8601 timestamps
///   (``appendTimestamp(_:to:)``, ``timestamp(from:)``).
/// - Seeing the graph: ``appendExplanation(_:to:)`` and ``appendReport(_:to:)``.
/// - Pieces, for a caller's own bodies: ``appendString(_:to:)``, ``appendInteger(_:to:)``.
public enum WireCodec {
    /// The column names of a row, in the order ``appendRow(_:to:)`` writes them: `id`,
    /// `phoneNumber`, `email`, `linkedId`, `linkPrecedence`, `createdAt`, `updatedAt`, `deletedAt`.
    public static let rowColumns = [
        "id", "phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt",
    ]

    // MARK: - Responses

    /// Appends the task's response body for a consolidated contact:
    /// `{"contact":{"primaryContatctId":1,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}}`.
    ///
    /// The bytes are those of ``IdentifyResponse/wireFormatJSON``.
    public static func appendResponse(_ contact: ConsolidatedContact, to output: inout [UInt8]) {
        appendRaw(#"{"contact":"#, to: &output)
        appendContact(contact, to: &output)
        output.append(UInt8(ascii: "}"))
    }

    /// Appends the response body's inner object,
    /// `{"primaryContatctId":…,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}`
    /// (the task really spells it `primaryContatctId`).
    public static func appendContact(_ contact: ConsolidatedContact, to output: inout [UInt8]) {
        appendRaw(#"{"primaryContatctId":"#, to: &output)
        appendInteger(contact.primaryContactID, to: &output)
        appendRaw(#","emails":"#, to: &output)
        appendStrings(contact.emails, to: &output)
        appendRaw(#","phoneNumbers":"#, to: &output)
        appendStrings(contact.phoneNumbers, to: &output)
        appendRaw(#","secondaryContactIds":["#, to: &output)
        for (index, id) in contact.secondaryContactIDs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendInteger(id, to: &output)
        }
        appendRaw("]}", to: &output)
    }

    /// Appends the body of a correction's answer, `{"contacts":[{"primaryContatctId":…},…]}`:
    /// each element is the inner object ``appendContact(_:to:)`` writes, in the given order.
    public static func appendContacts(_ contacts: [ConsolidatedContact], to output: inout [UInt8]) {
        appendRaw(#"{"contacts":["#, to: &output)
        for (index, contact) in contacts.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendContact(contact, to: &output)
        }
        appendRaw("]}", to: &output)
    }

    // MARK: - Rows and links

    /// Appends a row as one JSON object with the task's column names in ``rowColumns`` order,
    /// `null` for absent values and timestamps as ``appendTimestamp(_:to:)`` writes them:
    /// `{"id":1,"phoneNumber":"123456","email":"a@x.io","linkedId":null,"linkPrecedence":"primary",…}`.
    public static func appendRow(_ contact: Contact, to output: inout [UInt8]) {
        appendRaw(#"{"id":"#, to: &output)
        appendInteger(contact.id, to: &output)
        appendRaw(#","phoneNumber":"#, to: &output)
        appendOptionalString(contact.phoneNumber, to: &output)
        appendRaw(#","email":"#, to: &output)
        appendOptionalString(contact.email, to: &output)
        appendRaw(#","linkedId":"#, to: &output)
        if let linkedId = contact.linkedId {
            appendInteger(linkedId, to: &output)
        } else {
            appendRaw("null", to: &output)
        }
        appendRaw(#","linkPrecedence":"#, to: &output)
        appendString(contact.linkPrecedence.rawValue, to: &output)
        appendRaw(#","createdAt":"#, to: &output)
        appendQuotedTimestamp(contact.createdAt, to: &output)
        appendRaw(#","updatedAt":"#, to: &output)
        appendQuotedTimestamp(contact.updatedAt, to: &output)
        appendRaw(#","deletedAt":"#, to: &output)
        if let deletedAt = contact.deletedAt {
            appendQuotedTimestamp(deletedAt, to: &output)
        } else {
            appendRaw("null", to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Appends a link as an export line's object,
    /// `{"link":{"email":"…","phoneNumber":"…","createdAt":"…"}}` (see ``ContactLink``), which
    /// ``decodeExportLine(_:)`` reads back.
    public static func appendLink(_ link: ContactLink, to output: inout [UInt8]) {
        appendRaw(#"{"link":{"email":"#, to: &output)
        appendString(link.email, to: &output)
        appendRaw(#","phoneNumber":"#, to: &output)
        appendString(link.phoneNumber, to: &output)
        appendRaw(#","createdAt":"#, to: &output)
        appendQuotedTimestamp(link.createdAt, to: &output)
        appendRaw("}}", to: &output)
    }

    // MARK: - Timestamps

    /// Appends a date as ISO 8601 text in UTC with milliseconds, `2023-04-01T00:00:00.374Z`
    /// (without quotes), rounded to the millisecond.
    ///
    /// Every date a row or a link may hold (``Contact/isValidDate(_:)``) is written exactly. A
    /// date outside, which only a store that broke its contract can return, is written as the
    /// nearest end of years 1 through 9999, and one that is not a number as the epoch, so
    /// that the output always reads back.
    public static func appendTimestamp(_ date: Date, to output: inout [UInt8]) {
        WireTimestamp.append(date, to: &output)
    }

    /// The text ``appendTimestamp(_:to:)`` writes for a date. Two dates with the same text are
    /// the same to the millisecond, and read back as the same date.
    public static func timestamp(_ date: Date) -> String {
        WireTimestamp.string(date)
    }

    /// Reads an ISO 8601 timestamp, as written by ``appendTimestamp(_:to:)`` or by a database
    /// export: `T` or a space between date and time, up to nine fraction digits, a zone `Z`,
    /// `+HH`, `+HHMM` or `+HH:MM` (none is UTC), or a date alone (`2023-01-01`, midnight UTC).
    ///
    /// - Returns: The date, or `nil` when the text is not one of these forms, names a day or
    ///   time that does not exist, or a date that no row may hold (``Contact/isValidDate(_:)``:
    ///   the year 0000, or a zone that moves the instant out of years 1 through 9999).
    public static func timestamp(from text: String) -> Date? {
        WireTimestamp.parse(text)
    }

    // MARK: - Pieces

    /// Appends a JSON string literal, escaped as `JSONEncoder` with `.withoutEscapingSlashes`
    /// escapes it: `\"`, `\\`, `\b \t \n \f \r`, `\u00xx` (lowercase hex) for the other
    /// control characters below U+0020, and everything else (`/`, DEL, non-ASCII) as UTF-8.
    public static func appendString(_ string: String, to output: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            output.append(UInt8(ascii: "\""))
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                default:
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    output.append(hexDigit(byte >> 4))
                    output.append(hexDigit(byte & 0xF))
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            output.append(UInt8(ascii: "\""))
        }
    }

    /// Appends an integer in decimal, as JSON writes it.
    public static func appendInteger(_ value: Int, to output: inout [UInt8]) {
        if value < 0 {
            output.append(UInt8(ascii: "-"))
            // `value.magnitude` also covers `Int.min`.
            appendUnsigned(value.magnitude, to: &output)
        } else {
            appendUnsigned(UInt(value), to: &output)
        }
    }

    /// Appends literal ASCII text such as punctuation and keys.
    static func appendRaw(_ text: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func appendStrings(_ strings: [String], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendString(string, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    private static func appendOptionalString(_ value: String?, to output: inout [UInt8]) {
        if let value {
            appendString(value, to: &output)
        } else {
            appendRaw("null", to: &output)
        }
    }

    private static func appendQuotedTimestamp(_ date: Date, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        WireTimestamp.append(date, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    private static func appendUnsigned(_ value: UInt, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt.max's 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
