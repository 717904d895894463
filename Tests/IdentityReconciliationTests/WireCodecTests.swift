import Foundation
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// The wire codec, checked against `JSONDecoder` and `JSONEncoder`.
@Suite("Wire codec")
struct WireCodecTests {
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
            WireCodec.appendResponse(contact, to: &written)
            let expected =
                #"{"contact":{"primaryContatctId":"# + (try WireFormat.encode(contact.primaryContactID))
                + #","emails":"# + (try WireFormat.encode(contact.emails))
                + #","phoneNumbers":"# + (try WireFormat.encode(contact.phoneNumbers))
                + #","secondaryContactIds":"# + (try WireFormat.encode(contact.secondaryContactIDs)) + "}}"
            #expect(String(decoding: written, as: UTF8.self) == expected)
            #expect(try JSONDecoder().decode(IdentifyResponse.self, from: Data(written)).contact == contact)
            // The String form agrees.
            #expect(String(decoding: written, as: UTF8.self) == IdentifyResponse(contact: contact).wireFormatJSON)
        }
    }

    @Test func theOfficialResponseIsByteForByte() {
        var written: [UInt8] = []
        WireCodec.appendResponse(
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
            WireCodec.appendString(text, to: &written)
            #expect(String(decoding: written, as: UTF8.self) == (try WireFormat.encode(text)))
        }
    }

    @Test func everyControlCharacterAndSpecialIsEscapedLikeJSONEncoder() throws {
        var text = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "\"\\/\u{7F}\u{80}\u{9F}\u{2028}\u{2029}é😀"
        var written: [UInt8] = []
        WireCodec.appendString(text, to: &written)
        #expect(written == Array(try WireFormat.encode(text).utf8))
        #expect(String(decoding: written, as: UTF8.self).contains(#"\u001f\"\\/"#))
    }

    @Test(arguments: [0, 1, 9, 10, 99, 100, 12_345, -1, -10, Int.max, Int.min])
    func integersMatchJSONEncoder(value: Int) throws {
        var written: [UInt8] = []
        WireCodec.appendInteger(value, to: &written)
        #expect(written == Array(try WireFormat.encode(value).utf8))
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
            WireCodec.appendRow(contact, to: &written)
            let pieces: [(String, String)] = [
                ("id", try WireFormat.encode(contact.id)), ("phoneNumber", try WireFormat.encode(contact.phoneNumber)),
                ("email", try WireFormat.encode(contact.email)), ("linkedId", try WireFormat.encode(contact.linkedId)),
                ("linkPrecedence", try WireFormat.encode(contact.linkPrecedence)),
                ("createdAt", try WireFormat.encode(WireCodec.timestamp(contact.createdAt))),
                ("updatedAt", try WireFormat.encode(WireCodec.timestamp(contact.updatedAt))),
                ("deletedAt", try WireFormat.encode(contact.deletedAt.map(WireCodec.timestamp))),
            ]
            let expected = "{" + pieces.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
            #expect(String(decoding: written, as: UTF8.self) == expected)
            #expect(WireCodec.rowColumns == pieces.map(\.0))
            // Reading the line gives the row back.
            let decoded = try written.withUnsafeBytes { try WireCodec.decodeRow($0) }
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
            WireCodec.appendLink(link, to: &written)
            let inner = [
                ("email", try WireFormat.encode(link.email)), ("phoneNumber", try WireFormat.encode(link.phoneNumber)),
                ("createdAt", try WireFormat.encode(WireCodec.timestamp(link.createdAt))),
            ]
            let expected = #"{"link":{"# + inner.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}}"
            #expect(String(decoding: written, as: UTF8.self) == expected)
            // Reading the line gives the link back, its createdAt as written: to the millisecond.
            let decoded = try written.withUnsafeBytes { try WireCodec.decodeExportLine($0) }
            guard case .link(let read) = decoded else {
                Issue.record("not a link: \(decoded)")
                continue
            }
            #expect(read.email == link.email && read.phoneNumber == link.phoneNumber)
            #expect(WireCodec.timestamp(read.createdAt) == WireCodec.timestamp(link.createdAt))
            #expect(
                (read.createdAt.timeIntervalSince1970 * 1000).rounded()
                    == (link.createdAt.timeIntervalSince1970 * 1000).rounded())
        }
        let row = Array(
            #"{"id":7,"linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00Z","updatedAt":"2023-04-01T00:00:00Z"}"#
                .utf8)
        guard case .row(let contact) = try row.withUnsafeBytes({ try WireCodec.decodeExportLine($0) })
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
            let decoded = try WireFormat.decodeBody(text)
            #expect(decoded == expected, "\(text)")
        }
    }

    @Test(arguments: [
        (#"{"phoneNumber":0}"#, "0"), (#"{"phoneNumber":123456}"#, "123456"),
        (#"{"phoneNumber":9223372036854775807}"#, "9223372036854775807"), (#"{"phoneNumber":"0012"}"#, "0012"),
        (#"{"phoneNumber":"-42"}"#, "-42"),
    ])
    func integerPhoneNumbersLikeJSONDecoder(text: String, phone: String) throws {
        #expect(try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8)).phoneNumber == phone)
        #expect(try WireFormat.decodeBody(text).phoneNumber == phone)
    }

    @Test func firstOfARepeatedKeyWinsLikeJSONDecoder() throws {
        let text = #"{"email":"a@x.io","email":"b@x.io","phoneNumber":null,"phoneNumber":"5"}"#
        let expected = try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8))
        #expect(try WireFormat.decodeBody(text) == expected)
        #expect(expected == IdentifyRequest(email: "a@x.io", phoneNumber: nil))
    }

    /// Lines `JSONDecoder` refuses too, with the codec's code.
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
        (#"{"x":NaN}"#, "invalid_json"), ("not json", "invalid_json"), ("\u{FEFF}[]", "invalid_json"),
        (#"[{"email":"a@x.io"}]"#, "invalid_request"), (#""a@x.io""#, "invalid_request"), ("42", "invalid_request"),
        ("null", "invalid_request"), (#"{"email":5}"#, "invalid_request"), (#"{"email":true}"#, "invalid_request"),
        (#"{"email":["a@x.io"]}"#, "invalid_request"), (#"{"phoneNumber":1.5}"#, "invalid_phone_number"),
        (#"{"phoneNumber":9223372036854775808}"#, "invalid_phone_number"), (#"{"phoneNumber":{}}"#, "invalid_request"),
        (#"{"phoneNumber":false}"#, "invalid_request"),
    ])
    func refusedLines(text: String, code: String) throws {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8)) }
        #expect {
            try WireFormat.decodeBody(text)
        } throws: { error in
            (error as? WireCodecError)?.code.rawValue == code
        }
    }

    @Test func invalidUTF8NamesTheField() throws {
        let email = Array(#"{"email":"a"#.utf8) + [0xFF] + Array(#"@x.io"}"#.utf8)
        #expect(
            throws: WireCodecError(code: .invalidEmail, message: "email is not valid UTF-8", field: "email")
        ) { try WireFormat.decodeBody(bytes: email) }
        let phone = Array(#"{"phoneNumber":"1"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(
            throws: WireCodecError(
                code: .invalidPhoneNumber, message: "phoneNumber is not valid UTF-8", field: "phoneNumber")
        ) { try WireFormat.decodeBody(bytes: phone) }
        // Elsewhere (a key, another member, outside strings) the line is not JSON text.
        // (`JSONDecoder` does not look at strings it does not decode, such as the second one.)
        for bytes in [
            Array(#"{"e"#.utf8) + [0xFF] + Array(#"":1}"#.utf8),
            Array(#"{"x":["#.utf8) + [0x22, 0xED, 0xA0, 0x80, 0x22] + Array("]}".utf8),
            [0xFF] + Array("{}".utf8),
        ] {
            #expect {
                try WireFormat.decodeBody(bytes: bytes)
            } throws: { error in
                (error as? WireCodecError)?.code == .invalidJSON
            }
        }
    }

    @Test func nestingIsLimited() throws {
        let limit = JSONObjectReader.depthLimit
        let allowed =
            #"{"x":"# + String(repeating: "[", count: limit - 1) + String(repeating: "]", count: limit - 1) + "}"
        #expect(try WireFormat.decodeBody(allowed + "") == IdentifyRequest(email: nil, phoneNumber: nil))
        let deep = #"{"x":"# + String(repeating: "[", count: limit) + String(repeating: "]", count: limit) + "}"
        #expect(
            throws: WireCodecError(
                code: .invalidJSON,
                message:
                    "invalid JSON at byte \(limit + 4) (in x): arrays and objects are nested deeper than \(limit) levels",
                field: "x", offset: limit + 4)
        ) { try WireFormat.decodeBody(deep) }
        // Far deeper than any stack would allow if the reader did not stop.
        let absurd = String(repeating: "[", count: 200_000)
        #expect(throws: WireCodecError.self) { try WireFormat.decodeBody(absurd) }
    }

    @Test func aByteOrderMarkIsRefusedThoughJSONDecoderSkipsIt() throws {
        let text = "\u{FEFF}{\"email\":\"a@x.io\"}"
        #expect(try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8)).email == "a@x.io")
        #expect(throws: WireCodecError.self) { try WireFormat.decodeBody(text) }
    }

    @Test func escapesAndUnicodeDecode() throws {
        let text = #"{"email":"\u00e9\ud83d\ude00\/\"\\\b\f\n\r\t\u0000é"}"#
        let expected = try JSONDecoder().decode(IdentifyRequest.self, from: Data(text.utf8))
        #expect(try WireFormat.decodeBody(text) == expected)
        #expect(expected.email == "é😀/\"\\\u{8}\u{C}\n\r\t\u{0}é")
    }

    @Test func errorOffsetsPointAtTheProblem() {
        #expect(
            throws: WireCodecError(
                code: .invalidJSON, message: "invalid JSON at byte 9 (in email): expected a value, found '}'",
                field: "email", offset: 9)
        ) {
            try WireFormat.decodeBody(#"{"email":}"#)
        }
    }

    // MARK: - The one-pass path

    /// Bodies the one-pass path must take, with what `JSONDecoder` and the general reader make of them.
    @Test(
        "the one-pass path takes the usual bodies and decodes them as JSONDecoder does",
        arguments: [
            #"{"email":"lorraine@hillvalley.edu","phoneNumber":"123456"}"#,
            #"{"phoneNumber":"+1 (555) 123-4567","email":"Ann.5@EXAMPLE.COM"}"#,
            #"{"email":"mcfly@hillvalley.edu"}"#,
            #"{"phoneNumber":"123456"}"#,
            #"{}"#,
            " \t\r\n{ \"email\" : \"a@b.co\" ,\n \"phoneNumber\" : \"1\" } \n",
            #"{"email":"ünïcødé@exämple.com","phoneNumber":""}"#,
            #"{"email":"  padded@example.com  "}"#,
        ])
    func onePassPathTakesUsualBodies(body: String) throws {
        let fast = try #require(Array(body.utf8).withUnsafeBufferPointer { WireCodec.simpleRequest($0) })
        #expect(fast == (try JSONDecoder().decode(IdentifyRequest.self, from: Data(body.utf8))))
        var general: IdentifyRequest?
        var email: WireValue?
        var phoneNumber: WireValue?
        try Array(body.utf8).withUnsafeBytes { bytes in
            try WireCodec.readObject(bytes) { key, value in
                if key == "email" { email = value }
                if key == "phoneNumber" { phoneNumber = value }
            }
            general = try WireCodec.request(email: email, phoneNumber: phoneNumber)
        }
        #expect(fast == general)
        #expect(try WireFormat.decodeBody(body) == fast)
    }

    /// Bodies the one-pass path must leave to the general reader (which accepts some and refuses others).
    @Test(
        "the one-pass path leaves every other body to the general reader",
        arguments: [
            #"{"email":null,"phoneNumber":"123456"}"#,
            #"{"email":"a@b.co","phoneNumber":123456}"#,
            #"{"email":"a\"b@c.co"}"#,
            #"{"email":"a\u0040b.co"}"#,
            #"{"em\u0061il":"a@b.co"}"#,
            #"{"email":"a@b.co","email":"c@d.co"}"#,
            #"{"email":"a@b.co","name":"Ann"}"#,
            #"{"email":"a@b.co",}"#,
            #"{"email":"a@b.co""#,
            #"{"email":"a@b.co"} {}"#,
            #"{"email":"a@b.co"}x"#,
            #"{"email":"a@b.co" "phoneNumber":"1"}"#,
            #"["a@b.co"]"#,
            #""a@b.co""#,
            "{\"email\":\"tab\there@b.co\"}",
            "\u{FEFF}{\"email\":\"a@b.co\"}",
            "",
            "{",
        ])
    func onePassPathLeavesOtherBodies(body: String) {
        #expect(Array(body.utf8).withUnsafeBufferPointer { WireCodec.simpleRequest($0) } == nil)
        // Whatever the general reader makes of it is what JSONDecoder makes of it, except that
        // the codec reads RFC 8259 strictly: Foundation's decoder also takes a trailing comma
        // and a byte order mark.
        if body.hasSuffix(",}") || body.hasPrefix("\u{FEFF}") {
            #expect(throws: WireCodecError.self) { try WireFormat.decodeBody(body) }
            return
        }
        let expected = try? JSONDecoder().decode(IdentifyRequest.self, from: Data(body.utf8))
        #expect((try? WireFormat.decodeBody(body)) == expected)
    }

    @Test("the one-pass path leaves invalid UTF-8 to the general reader, which names the field")
    func onePassPathLeavesInvalidUTF8() {
        let body = Array(#"{"email":"a"#.utf8) + [0xC3, 0x28] + Array(#"@b.co"}"#.utf8)
        #expect(body.withUnsafeBufferPointer { WireCodec.simpleRequest($0) } == nil)
        #expect(throws: WireCodecError(code: .invalidEmail, message: "email is not valid UTF-8", field: "email")) {
            try WireFormat.decodeBody(bytes: body)
        }
    }

    @Test("readObject hands over every member, in order, repeated keys included")
    func readObjectHandsOverEveryMember() throws {
        var members: [String] = []
        try Array(#"{"op":"forget","id":7,"x":{"a":[1]},"op":null,"n":1.5}"#.utf8).withUnsafeBytes {
            bytes in
            try WireCodec.readObject(bytes) { key, value in members.append("\(key)=\(value.typeName)") }
        }
        #expect(members == ["op=string", "id=number", "x=object", "op=null", "n=number"])
        #expect(throws: WireCodecError(code: .invalidRequest, message: "the line is a JSON array, expected an object"))
        {
            try Array("[]".utf8).withUnsafeBytes { bytes in
                try WireCodec.readObject(bytes) { _, _ in }
            }
        }
    }

    // MARK: - Rows from columns

    @Test("rows read from column text: names in any case or snake_case, dates alone at midnight UTC")
    func rowsFromColumns() throws {
        let row = try WireCodec.row(columns: [
            (name: "ID", value: " 23 "), (name: "phone_number", value: "123456"), (name: "email", value: nil),
            (name: "linked_id", value: "1"), (name: "link_precedence", value: "Secondary"),
            (name: "created_at", value: "2023-01-01"), (name: "updatedAt", value: "2023-01-02T00:00:00.500Z"),
            (name: "deleted_at", value: nil), (name: "note", value: "ignored"), (name: "id", value: "99"),
        ])
        #expect(
            row
                == Contact(
                    id: 23, email: nil, phoneNumber: "123456", linkedId: 1, linkPrecedence: .secondary,
                    createdAt: Date(timeIntervalSince1970: 1_672_531_200),
                    updatedAt: Date(timeIntervalSince1970: 1_672_617_600.5)))
        let incomplete: [(name: String, value: String?)] = [
            (name: "id", value: "1"), (name: "linkPrecedence", value: "primary"),
            (name: "createdAt", value: "2023-01-01"),
        ]
        #expect(throws: WireCodecError(code: .invalidRow, message: "the row has no updatedAt", field: "updatedAt")) {
            try WireCodec.row(columns: incomplete)
        }
        #expect(WireCodec.rowColumn(named: "LINKED_ID") == "linkedId")
        #expect(WireCodec.rowColumn(named: "deleted_at") == "deletedAt")
        #expect(WireCodec.rowColumn(named: "note") == nil)
        #expect(WireCodec.rowColumn(named: "_Phone_NUMBER_") == "phoneNumber")
        // A name that is not ASCII takes the general path: it is no column, however it folds.
        #expect(WireCodec.rowColumn(named: "ÉMAIL") == nil)
        #expect(WireCodec.rowColumn(named: "email\u{301}") == nil)
    }

    @Test("a link line's faults are invalid_link, naming the member")
    func linkFaults() {
        for (line, message, field) in [
            (#"{"link":[]}"#, "link must be an object, not array", "link"),
            (#"{"link":{"email":"a@x.io","createdAt":"2023-01-01"}}"#, "the link has no phoneNumber", "phoneNumber"),
            (
                #"{"link":{"email":"a@x.io","phoneNumber":1,"createdAt":"soon"}}"#,
                #"createdAt is not an ISO 8601 timestamp: "soon""#, "createdAt"
            ),
            (
                #"{"link":{"email":"a@x.io","phoneNumber":1,"createdAt":"0000-12-31T23:59:59Z"}}"#,
                #"createdAt is outside the years 0001 through 9999: "0000-12-31T23:59:59Z""#, "createdAt"
            ),
            (
                #"{"link":{"email":"a@x.io","phoneNumber":1,"createdAt":"9999-12-31T23:00:00-01:00"}}"#,
                #"createdAt is outside the years 0001 through 9999: "9999-12-31T23:00:00-01:00""#, "createdAt"
            ),
        ] {
            #expect(throws: WireCodecError(code: .invalidLink, message: message, field: field)) {
                try Array(line.utf8).withUnsafeBytes { bytes in
                    try WireCodec.decodeExportLine(bytes)
                }
            }
        }
    }

    // MARK: - Helpers

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
                ? try WireFormat.encode(text) : escapedLiteral(text)
        }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: break
        case 1: members.append((#""email""#, "null"))
        default: members.append((#""email""#, try string(randomString(using: &random))))
        }
        switch Int.random(in: 0..<5, using: &random) {
        case 0: break
        case 1: members.append((#""phoneNumber""#, "null"))
        case 2: members.append((#""phoneNumber""#, "\(Int64.random(in: 0 ... .max, using: &random))"))
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
