import Foundation
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// The hostile inputs of issue 18, through the one decoder every entry point uses: JSON that
/// is not RFC 8259 UTF-8 text, integer phone numbers that are not digits, and errors that
/// must name the field and the real reason.
@Suite("Hostile input")
struct HostileInputTests {
    /// The error `decode` throws, or `nil` when it accepts the bytes.
    static func error(_ bytes: [UInt8]) -> WireCodecError? {
        do {
            _ = try WireFormat.decodeBody(bytes: bytes)
            return nil
        } catch {
            return error as? WireCodecError
        }
    }

    // MARK: - RFC 8259 JSON in UTF-8

    @Test(
        "a trailing comma is refused, at the comma, naming the member it is in",
        arguments: [
            (#"{"email":"tc@x.com",}"#, 19, nil, "'}'"),
            (#"{"email":"tc@x.com" , }"#, 20, nil, "'}'"),
            (#"{"x":[1,2,],"email":"a@x.io"}"#, 9, "x", "']'"),
            (#"{"x":{"a":1,},"email":"a@x.io"}"#, 11, "x", "'}'"),
            (#"{"x":[[1,],2]}"#, 8, "x", "']'"),
        ] as [(String, Int, String?, String)])
    func trailingCommas(text: String, offset: Int, field: String?, closer: String) {
        let place = "at byte \(offset)" + (field.map { " (in \($0))" } ?? "")
        #expect(
            Self.error(Array(text.utf8))
                == WireCodecError(
                    code: .invalidJSON,
                    message: "invalid JSON \(place): a trailing comma before \(closer) is not allowed",
                    field: field, offset: offset))
    }

    @Test("a UTF-8 byte order mark before the JSON is refused")
    func byteOrderMark() {
        #expect(
            Self.error([0xEF, 0xBB, 0xBF] + Array(#"{"email":"bom@x.com"}"#.utf8))
                == WireCodecError(
                    code: .invalidJSON,
                    message:
                        "invalid JSON at byte 0: the text starts with a UTF-8 byte order mark, which JSON text must not have",
                    offset: 0))
    }

    @Test("UTF-16 and UTF-32 bodies are refused as not UTF-8, with or without a byte order mark")
    func otherEncodings() {
        let text = #"{"email":"u16@x.com"}"#
        let utf16LE = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let utf16BE = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let utf32LE = text.unicodeScalars.flatMap { [UInt8($0.value & 0xFF), 0, 0, 0] }
        let bomMessage =
            "invalid JSON at byte 0: the text starts with a UTF-16 byte order mark; JSON text must be UTF-8"
        for (bytes, message, offset) in [
            ([0xFF, 0xFE] + utf16LE, bomMessage, 0),
            ([0xFE, 0xFF] + utf16BE, bomMessage, 0),
            (
                utf16LE,
                "invalid JSON at byte 1: a NUL byte: the text looks like UTF-16 or UTF-32; JSON text must be UTF-8", 1
            ),
            (
                utf16BE,
                "invalid JSON at byte 0: a NUL byte: the text looks like UTF-16 or UTF-32; JSON text must be UTF-8", 0
            ),
            (
                utf32LE,
                "invalid JSON at byte 1: a NUL byte: the text looks like UTF-16 or UTF-32; JSON text must be UTF-8", 1
            ),
        ] as [([UInt8], String, Int)] {
            #expect(Self.error(bytes) == WireCodecError(code: .invalidJSON, message: message, offset: offset))
        }
    }

    @Test(
        "comments are refused as comments",
        arguments: [
            ("// note\n{\"email\":\"a@x.io\"}", 0, nil),
            (#"{/* note */"email":"a@x.io"}"#, 1, nil),
            ("{\"email\":\"a@x.io\" // note\n}", 18, nil),
            (#"{"email":/* note */"a@x.io"}"#, 9, "email"),
            (#"{"x":[1 /* note */]}"#, 8, "x"),
        ] as [(String, Int, String?)])
    func comments(text: String, offset: Int, field: String?) {
        let place = "at byte \(offset)" + (field.map { " (in \($0))" } ?? "")
        #expect(
            Self.error(Array(text.utf8))
                == WireCodecError(
                    code: .invalidJSON, message: "invalid JSON \(place): comments are not allowed in JSON",
                    field: field,
                    offset: offset))
    }

    // MARK: - Integer phone numbers

    @Test(
        "an integer phone number is read as its digits only when written with digits only",
        arguments: [("0", "0"), ("123456", "123456"), ("9223372036854775807", "9223372036854775807")])
    func integerPhoneNumbersAccepted(number: String, digits: String) throws {
        #expect(try WireFormat.decodeBody(#"{"phoneNumber":\#(number)}"#).phoneNumber == digits)
    }

    @Test(
        "a negative, fractional or exponent phone number is refused, not read loosely",
        arguments: ["-123456", "-1", "1.5e3", "1.0", "-0", "1e2", "1E+2", "-1.5", "0.0", "-9223372036854775808"])
    func looseIntegerPhoneNumbers(number: String) {
        #expect(
            Self.error(Array(#"{"phoneNumber":\#(number)}"#.utf8))
                == WireCodecError(
                    code: .invalidPhoneNumber,
                    message:
                        "phoneNumber must be a non-negative integer written with digits only (no sign, fraction or exponent), not \(number)",
                    field: "phoneNumber"))
    }

    @Test("a phone number with leading zeros is not a JSON number, and the error says so")
    func leadingZeros() {
        #expect(
            Self.error(Array(#"{"phoneNumber":007}"#.utf8))
                == WireCodecError(
                    code: .invalidJSON,
                    message:
                        "invalid JSON at byte 15 (in phoneNumber): leading zeros are not allowed in a JSON number (send such a value as a string)",
                    field: "phoneNumber", offset: 15))
        // Nested, the member holding it is named.
        #expect(Self.error(Array(#"{"x":[00]}"#.utf8))?.field == "x")
    }

    @Test("a phone number beyond 64 bits is refused as too large, and a huge one is not echoed whole")
    func hugeIntegerPhoneNumbers() {
        #expect(
            Self.error(Array(#"{"phoneNumber":12345678901234567890}"#.utf8))
                == WireCodecError(
                    code: .invalidPhoneNumber,
                    message:
                        "phoneNumber 12345678901234567890 is larger than a 64-bit integer can be (9223372036854775807); send it as a string",
                    field: "phoneNumber"))
        let digits = String(repeating: "9", count: 1_000_000)
        let error = Self.error(Array(#"{"phoneNumber":\#(digits)}"#.utf8))
        #expect(error?.code == .invalidPhoneNumber && error?.field == "phoneNumber")
        #expect(error?.message.contains("(1000000 characters)") == true)
        #expect((error?.message.utf8.count ?? .max) < 200)
    }

    @Test("other JSON types for phoneNumber keep their message")
    func wrongTypes() {
        for (value, found) in [("true", "boolean"), ("[1]", "array"), (#"{"n":1}"#, "object")] {
            #expect(
                Self.error(Array(#"{"phoneNumber":\#(value)}"#.utf8))
                    == WireCodecError(
                        code: .invalidRequest,
                        message: "phoneNumber must be a string, an integer or null, not \(found)",
                        field: "phoneNumber"))
        }
    }

    @Test("a bad UTF-8 byte in phoneNumber gets the same kind of error as in email")
    func invalidUTF8InEitherField() {
        for field in ["email", "phoneNumber"] {
            let bytes = Array(#"{"\#(field)":"12"#.utf8) + [0xFF] + Array(#"3"}"#.utf8)
            #expect(
                Self.error(bytes)
                    == WireCodecError(
                        code: field == "email" ? .invalidEmail : .invalidPhoneNumber,
                        message: "\(field) is not valid UTF-8",
                        field: field))
        }
    }

    // MARK: - Rows

    @Test("a row's phone number and ids follow the same rules as a request's")
    func rows() {
        let base = #""linkPrecedence":"primary","createdAt":"2023-01-01","updatedAt":"2023-01-01""#
        for (members, message, field) in [
            (
                #""id":1,"phoneNumber":-5"#,
                "phoneNumber must be a non-negative integer written with digits only (no sign, fraction or exponent), not -5",
                "phoneNumber"
            ),
            (#""id":1.0"#, "id must be an integer or null, not the number 1.0", "id"),
            (#""id":1e0"#, "id must be an integer or null, not the number 1e0", "id"),
        ] {
            #expect(throws: WireCodecError(code: .invalidRow, message: message, field: field)) {
                try Array("{\(members),\(base)}".utf8).withUnsafeBytes { try WireCodec.decodeRow($0) }
            }
        }
        let row = Array(#"{"id":1,"phoneNumber":42,\#(base)}"#.utf8)
        #expect((try? row.withUnsafeBytes { try WireCodec.decodeRow($0) })?.phoneNumber == "42")
    }

    // MARK: - The Decodable conformance

    @Test("IdentifyRequest's Decodable conformance refuses a negative phone number too")
    func decodableRefusesNegativePhoneNumbers() throws {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(IdentifyRequest.self, from: Data(#"{"phoneNumber":-123456}"#.utf8))
        }
        #expect(
            try JSONDecoder().decode(IdentifyRequest.self, from: Data(#"{"phoneNumber":123456}"#.utf8)).phoneNumber
                == "123456")
    }
}
