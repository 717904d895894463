import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

@testable import ReconcileCommand

/// The hand-written JSON reader and writer, checked against `JSONDecoder` and `JSONEncoder`.
@Suite("JSON codec")
struct JSONCodecTests {
    // MARK: - Writer

    // `JSONEncoder` does not keep the declaration order of keys on Linux (it hashes them),
    // so whole objects are compared piece by piece: every value as `JSONEncoder` writes it,
    // joined in the wire format's key order, and the whole decoded back with `JSONDecoder`.

    @Test func responsesMatchJSONEncoder() throws {
        var random = SplitMix64(seed: 1)
        for _ in 0..<2_000 {
            let contact = ConsolidatedContact(
                primaryContactID: Int.random(in: 1...Int.max, using: &random),
                emails: (0..<Int.random(in: 0...3, using: &random)).map { _ in Self.randomString(using: &random) },
                phoneNumbers: (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    Self.randomString(using: &random)
                },
                secondaryContactIDs: (0..<Int.random(in: 0...4, using: &random)).map { _ in
                    Int.random(in: 1...1_000_000_000_000, using: &random)
                })
            var written: [UInt8] = []
            JSONWriter.appendResponse(contact, to: &written)
            let expected =
                #"{"contact":{"primaryContatctId":"# + (try Self.encoded(contact.primaryContactID))
                + #","emails":"# + (try Self.encoded(contact.emails))
                + #","phoneNumbers":"# + (try Self.encoded(contact.phoneNumbers))
                + #","secondaryContactIds":"# + (try Self.encoded(contact.secondaryContactIDs)) + "}}"
            #expect(String(decoding: written, as: UTF8.self) == expected)
            #expect(try JSONDecoder().decode(IdentifyResponse.self, from: Data(written)).contact == contact)
            // The library's own writer for servers agrees.
            #expect(String(decoding: written, as: UTF8.self) == IdentifyResponse(contact: contact).wireFormatJSON)
        }
    }

    @Test func theOfficialResponseIsByteForByte() {
        var written: [UInt8] = []
        JSONWriter.appendResponse(
            ConsolidatedContact(
                primaryContactID: 1, emails: ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"],
                phoneNumbers: ["123456"], secondaryContactIDs: [23]), to: &written)
        #expect(
            String(decoding: written, as: UTF8.self)
                == #"{"contact":{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu","mcfly@hillvalley.edu"],"phoneNumbers":["123456"],"secondaryContactIds":[23]}}"#
        )
    }

    @Test func stringsMatchJSONEncoder() throws {
        var random = SplitMix64(seed: 6)
        for _ in 0..<5_000 {
            let text = Self.randomString(using: &random)
            var written: [UInt8] = []
            JSONWriter.appendString(text, to: &written)
            #expect(String(decoding: written, as: UTF8.self) == (try Self.encoded(text)))
        }
    }

    @Test func everyControlCharacterAndSpecialIsEscapedLikeJSONEncoder() throws {
        var text = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "\"\\/\u{7F}\u{80}\u{9F}\u{2028}\u{2029}é😀"
        var written: [UInt8] = []
        JSONWriter.appendString(text, to: &written)
        #expect(written == Array(try Self.encoder.encode(text)))
        #expect(String(decoding: written, as: UTF8.self).contains(#"\u001f\"\\/"#))
    }

    @Test(arguments: [0, 1, 9, 10, 99, 100, 12_345, -1, -10, Int.max, Int.min])
    func integersMatchJSONEncoder(value: Int) throws {
        var written: [UInt8] = []
        JSONWriter.appendInteger(value, to: &written)
        #expect(written == Array(try Self.encoder.encode(value)))
    }

    @Test func errorLinesMatchJSONEncoder() throws {
        struct ErrorLine: Decodable, Equatable {
            struct Body: Decodable, Equatable {
                var line: Int
                var code: String
                var message: String
            }
            var error: Body
        }
        var random = SplitMix64(seed: 2)
        for line in 1...500 {
            let message = Self.randomString(using: &random)
            var written: [UInt8] = []
            JSONWriter.appendError(line: line, code: "invalid_email", message: message, to: &written)
            let expected =
                #"{"error":{"line":"# + (try Self.encoded(line)) + #","code":"invalid_email","message":"#
                + (try Self.encoded(message)) + "}}"
            #expect(String(decoding: written, as: UTF8.self) == expected)
            let decoded = try JSONDecoder().decode(ErrorLine.self, from: Data(written))
            #expect(decoded == ErrorLine(error: .init(line: line, code: "invalid_email", message: message)))
        }
    }

    @Test func contactRowsMatchJSONEncoder() throws {
        var random = SplitMix64(seed: 3)
        for id in 1...500 {
            let created = Date(
                timeIntervalSince1970: Double(Int.random(in: 0...2_000_000_000_000, using: &random)) / 1000)
            let contact = Contact(
                id: id,
                email: Bool.random(using: &random) ? Self.randomString(using: &random) : nil,
                phoneNumber: Bool.random(using: &random) ? Self.randomString(using: &random) : nil,
                linkedId: Bool.random(using: &random) ? Int.random(in: 1...id, using: &random) : nil,
                linkPrecedence: Bool.random(using: &random) ? .primary : .secondary,
                createdAt: created, updatedAt: created.addingTimeInterval(1.5),
                deletedAt: Bool.random(using: &random) ? created.addingTimeInterval(2) : nil)
            var written: [UInt8] = []
            ContactRowFormat.appendJSON(contact, to: &written)
            let pieces: [(String, String)] = [
                ("id", try Self.encoded(contact.id)), ("phoneNumber", try Self.encoded(contact.phoneNumber)),
                ("email", try Self.encoded(contact.email)), ("linkedId", try Self.encoded(contact.linkedId)),
                ("linkPrecedence", try Self.encoded(contact.linkPrecedence)),
                ("createdAt", try Self.encoded(Timestamp.string(contact.createdAt))),
                ("updatedAt", try Self.encoded(Timestamp.string(contact.updatedAt))),
                ("deletedAt", try Self.encoded(contact.deletedAt.map(Timestamp.string))),
            ]
            let expected = "{" + pieces.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
            #expect(String(decoding: written, as: UTF8.self) == expected)
            #expect(ContactRowFormat.columns == pieces.map(\.0))
            // Reading the line gives the row back.
            let decoded = try written.withUnsafeBufferPointer { try ContactRowFormat.decodeJSON($0) }
            #expect(decoded == contact)
        }
    }

    @Test func linkLinesMatchJSONEncoderAndReadBackToTheMillisecond() throws {
        var random = SplitMix64(seed: 6)
        for _ in 1...500 {
            let microseconds = Int.random(in: 0...2_000_000_000_000_000, using: &random)
            let link = ContactLink(
                email: Self.randomString(using: &random), phoneNumber: Self.randomString(using: &random),
                createdAt: Date(timeIntervalSince1970: Double(microseconds) / 1_000_000))
            var written: [UInt8] = []
            ContactRowFormat.appendLinkJSON(link, to: &written)
            let inner = [
                ("email", try Self.encoded(link.email)), ("phoneNumber", try Self.encoded(link.phoneNumber)),
                ("createdAt", try Self.encoded(Timestamp.string(link.createdAt))),
            ]
            let expected = #"{"link":{"# + inner.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}}"
            #expect(String(decoding: written, as: UTF8.self) == expected)
            // Reading the line gives the link back, its createdAt as written: to the millisecond.
            let decoded = try written.withUnsafeBufferPointer { try ContactRowFormat.decodeExportLine($0) }
            guard case .link(let read) = decoded else {
                Issue.record("not a link: \(decoded)")
                continue
            }
            #expect(read.email == link.email && read.phoneNumber == link.phoneNumber)
            #expect(Timestamp.string(read.createdAt) == Timestamp.string(link.createdAt))
            #expect(Timestamp.milliseconds(read.createdAt) == Timestamp.milliseconds(link.createdAt))
        }
        let row = Array(
            #"{"id":7,"linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00Z","updatedAt":"2023-04-01T00:00:00Z"}"#
                .utf8)
        guard case .row(let contact) = try row.withUnsafeBufferPointer({ try ContactRowFormat.decodeExportLine($0) })
        else {
            Issue.record("a row line is not read as a row")
            return
        }
        #expect(contact.id == 7)
    }

    // MARK: - Reader

    @Test func requestsDecodeLikeJSONDecoder() throws {
        var random = SplitMix64(seed: 4)
        for _ in 0..<3_000 {
            let text = try Self.randomRequestLine(using: &random)
            let expected = try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8))
            let decoded = try Self.decode(text)
            #expect(decoded == expected, "\(text)")
        }
    }

    @Test(arguments: [
        (#"{"phoneNumber":1.0}"#, "1"), (#"{"phoneNumber":1e2}"#, "100"), (#"{"phoneNumber":-0}"#, "0"),
        (#"{"phoneNumber":-42}"#, "-42"), (#"{"phoneNumber":9223372036854775807}"#, "9223372036854775807"),
        (#"{"phoneNumber":"0012"}"#, "0012"), (#"{"phoneNumber":1E+2}"#, "100"),
    ])
    func integerPhoneNumbersLikeJSONDecoder(text: String, phone: String) throws {
        #expect(try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8)).phoneNumber == phone)
        #expect(try Self.decode(text).phoneNumber == phone)
    }

    @Test func firstOfARepeatedKeyWinsLikeJSONDecoder() throws {
        let text = #"{"email":"a@x.io","email":"b@x.io","phoneNumber":null,"phoneNumber":"5"}"#
        let expected = try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8))
        #expect(try Self.decode(text) == expected)
        #expect(expected == IdentifyRequest(email: "a@x.io", phoneNumber: nil))
    }

    /// Lines `JSONDecoder` refuses too, with the code the tool writes.
    @Test(arguments: [
        ("", "invalid_json"), ("   ", "invalid_json"), ("{", "invalid_json"), (#"{"email":}"#, "invalid_json"),
        (#"{"email":"a@x.io""#, "invalid_json"), (#"{"email":"a@x.io"}x"#, "invalid_json"),
        (#"{"email":"a@x.io"} {}"#, "invalid_json"), ("{'email':'a@x.io'}", "invalid_json"),
        (#"{email:"a@x.io"}"#, "invalid_json"), (#"{"email":"\x"}"#, "invalid_json"),
        (#"{"email":"\u12"}"#, "invalid_json"), (#"{"email":"\ud800"}"#, "invalid_json"),
        (#"{"email":"\udc00x"}"#, "invalid_json"), (#"{"email":"\ud800\u0041"}"#, "invalid_json"),
        ("{\"email\":\"a\u{1}b\"}", "invalid_json"), ("{\"email\":\"a\nb\"}", "invalid_json"),
        (#"{"phoneNumber":01}"#, "invalid_json"), (#"{"phoneNumber":1.}"#, "invalid_json"),
        (#"{"phoneNumber":.5}"#, "invalid_json"), (#"{"phoneNumber":+5}"#, "invalid_json"),
        (#"{"phoneNumber":1e}"#, "invalid_json"), (#"{"phoneNumber":-}"#, "invalid_json"),
        (#"{"email":"a@x.io",,"phoneNumber":"1"}"#, "invalid_json"), (#"{"x":[1,2}"#, "invalid_json"),
        (#"{"x":{"a" 1}}"#, "invalid_json"), (#"{"x":tru}"#, "invalid_json"), (#"{"x":nul}"#, "invalid_json"),
        (#"{"x":NaN}"#, "invalid_json"), ("not json", "invalid_json"), ("\u{FEFF}[]", "invalid_request"),
        (#"[{"email":"a@x.io"}]"#, "invalid_request"), (#""a@x.io""#, "invalid_request"), ("42", "invalid_request"),
        ("null", "invalid_request"), (#"{"email":5}"#, "invalid_request"), (#"{"email":true}"#, "invalid_request"),
        (#"{"email":["a@x.io"]}"#, "invalid_request"), (#"{"phoneNumber":1.5}"#, "invalid_request"),
        (#"{"phoneNumber":9223372036854775808}"#, "invalid_request"), (#"{"phoneNumber":{}}"#, "invalid_request"),
        (#"{"phoneNumber":false}"#, "invalid_request"),
    ])
    func refusedLines(text: String, code: String) throws {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8)) }
        #expect {
            try Self.decode(text)
        } throws: { error in
            (error as? LineFailure)?.code == code
        }
    }

    @Test func invalidUTF8NamesTheField() throws {
        let email = Array(#"{"email":"a"#.utf8) + [0xFF] + Array(#"@x.io"}"#.utf8)
        #expect(throws: LineFailure(InputError.invalidEmail(reason: .invalidUTF8))) { try Self.decode(bytes: email) }
        let phone = Array(#"{"phoneNumber":"1"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: LineFailure(InputError.invalidPhoneNumber(reason: .invalidUTF8))) {
            try Self.decode(bytes: phone)
        }
        // Elsewhere (a key, another member, outside strings) the line is not JSON text.
        // (`JSONDecoder` does not look at strings it does not decode, such as the second one.)
        for bytes in [
            Array(#"{"e"#.utf8) + [0xFF] + Array(#"":1}"#.utf8),
            Array(#"{"x":["#.utf8) + [0x22, 0xED, 0xA0, 0x80, 0x22] + Array("]}".utf8),
            [0xFF] + Array("{}".utf8),
        ] {
            #expect {
                try Self.decode(bytes: bytes)
            } throws: { error in
                (error as? LineFailure)?.code == "invalid_json"
            }
        }
    }

    @Test func nestingIsLimited() throws {
        let limit = JSONObjectReader.depthLimit
        let allowed =
            #"{"x":"# + String(repeating: "[", count: limit - 1) + String(repeating: "]", count: limit - 1) + "}"
        #expect(try Self.decode(allowed + "") == IdentifyRequest(email: nil, phoneNumber: nil))
        let deep = #"{"x":"# + String(repeating: "[", count: limit) + String(repeating: "]", count: limit) + "}"
        #expect(throws: LineFailure(code: "invalid_json", message: JSONLineError.tooDeep(limit: limit).description)) {
            try Self.decode(deep)
        }
        // Far deeper than any stack would allow if the reader did not stop.
        let absurd = String(repeating: "[", count: 200_000)
        #expect(throws: LineFailure.self) { try Self.decode(absurd) }
    }

    @Test func aByteOrderMarkIsSkippedLikeJSONDecoder() throws {
        let text = "\u{FEFF}{\"email\":\"a@x.io\"}"
        #expect(try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8)) == (try Self.decode(text)))
    }

    @Test func escapesAndUnicodeDecode() throws {
        let text = #"{"email":"\u00e9\ud83d\ude00\/\"\\\b\f\n\r\t\u0000é"}"#
        let expected = try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8))
        #expect(try Self.decode(text) == expected)
        #expect(expected.email == "é😀/\"\\\u{8}\u{C}\n\r\t\u{0}é")
    }

    @Test func errorOffsetsPointAtTheProblem() {
        #expect(
            throws: LineFailure(code: "invalid_json", message: "invalid JSON at byte 9: expected a value, found '}'")
        ) {
            try Self.decode(#"{"email":}"#)
        }
    }

    // MARK: - Helpers

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// What `JSONEncoder` writes for a value, as text.
    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> IdentifyRequest {
        try decode(bytes: Array(text.utf8))
    }

    static func decode(bytes: [UInt8]) throws -> IdentifyRequest {
        try bytes.withUnsafeBufferPointer { buffer throws(LineFailure) in try RequestLineDecoder.decode(buffer) }
    }

    static let pieces: [String] = [
        "a", "Z", "0", "9", " ", "@", ".", "-", "+", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{B}",
        "\u{C}", "\r", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "é", "e\u{301}", "€", "😀", "\u{2028}", "\u{FFFD}", "中",
        "lorraine", "hillvalley.edu",
    ]

    static func randomString(using random: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    /// A string literal with every non-ASCII scalar and `/` escaped, to exercise the unescaper.
    static func escapedLiteral(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "/": literal += "\\/"
            case _ where scalar.value < 0x20 || scalar.value > 0x7E:
                for unit in String(scalar).utf16 { literal += "\\u" + String(format: "%04X", unit) }
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }

    static func randomRequestLine(using random: inout SplitMix64) throws -> String {
        var members: [(key: String, value: String)] = []
        func string(_ text: String) throws -> String {
            Bool.random(using: &random)
                ? String(decoding: try encoder.encode(text), as: UTF8.self) : escapedLiteral(text)
        }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: break
        case 1: members.append((#""email""#, "null"))
        default: members.append((#""email""#, try string(randomString(using: &random))))
        }
        switch Int.random(in: 0..<5, using: &random) {
        case 0: break
        case 1: members.append((#""phoneNumber""#, "null"))
        case 2: members.append((#""phoneNumber""#, "\(Int64.random(in: .min ... .max, using: &random))"))
        case 3: members.append((#""phoneNumber""#, "\(Int.random(in: 0...999_999, using: &random))"))
        default: members.append((#""phoneNumber""#, try string(randomString(using: &random))))
        }
        let extras = [
            (#""x""#, #"[1,{"a":null,"b":[true,false]},-2.5e-3,"s"]"#), (#""y""#, "{}"), (#""z""#, "[ ]"),
            (#""n""#, "0.25"), (#""Email""#, #""ignored""#), (#""\u0065mail2""#, #""k""#),
        ]
        for _ in 0..<Int.random(in: 0...2, using: &random) { members.append(extras.randomElement(using: &random)!) }
        members.shuffle(using: &random)
        let spaces = ["", " ", "\t", "  ", "\r"]
        func space() -> String { spaces.randomElement(using: &random)! }
        let body = members.map { $0.key + space() + ":" + space() + $0.value }.joined(
            separator: space() + "," + space())
        return space() + "{" + space() + body + space() + "}" + space()
    }
}
