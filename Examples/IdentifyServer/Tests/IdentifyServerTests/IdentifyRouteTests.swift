import Hummingbird
import HummingbirdTesting
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

@Suite("POST /identify")
struct IdentifyRouteTests {
    @Test("the task's first example, byte for byte")
    func officialLinkExample() async throws {
        try await TestServer().run { client in
            _ = try await client.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
            let expected =
                #"{"contact":{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu","mcfly@hillvalley.edu"],"#
                + #""phoneNumbers":["123456"],"secondaryContactIds":[2]}}"#
            let linked = try await client.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
            #expect(linked == expected)
            // The task's equivalent requests all answer the same contact and write nothing.
            for body in [
                #"{"email":null,"phoneNumber":"123456"}"#,
                #"{"email":"lorraine@hillvalley.edu","phoneNumber":null}"#,
                #"{"email":"mcfly@hillvalley.edu"}"#,
                #"{"email":"mcfly@hillvalley.edu","phoneNumber":123456}"#,
            ] {
                let response = try await client.identify(body)
                #expect(response.status == .ok)
                #expect(response.text == expected, "\(body)")
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            }
        }
    }

    @Test("the task's merge example: george and biff")
    func officialMergeExample() async throws {
        let server = TestServer()
        try await server.run { client in
            _ = try await client.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
            _ = try await client.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "717171")
            let merged = try await client.identify(email: "george@hillvalley.edu", phoneNumber: "717171")
            #expect(
                merged
                    == #"{"contact":{"primaryContatctId":1,"emails":["george@hillvalley.edu","biffsucks@hillvalley.edu"],"#
                    + #""phoneNumbers":["919191","717171"],"secondaryContactIds":[2]}}"#)
        }
        let rows = try await InvariantChecker.check(store: server.store)
        #expect(rows.count == 2)
    }

    @Test(
        "bad input is a 400 naming the field, and writes nothing",
        arguments: [
            (#"{}"#, "missing_email_and_phone_number", nil),
            (#"{"email":null,"phoneNumber":null}"#, "missing_email_and_phone_number", nil),
            (#"{"email":"  ","phoneNumber":""}"#, "missing_email_and_phone_number", nil),
            (#"{"email":"not-an-email"}"#, "invalid_email", "email"),
            (#"{"email":"a@b.co\u0000"}"#, "invalid_email", "email"),
            (#"{"email":42}"#, "invalid_email", "email"),
            (#"{"email":["a@b.co"]}"#, "invalid_email", "email"),
            (#"{"phoneNumber":"12ab"}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":1.5}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":true}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"email":"a@b.co","phoneNumber":{}}"#, "invalid_phone_number", "phoneNumber"),
            (#"not json"#, "invalid_json", nil),
            (#""#, "invalid_json", nil),
            (#"{"email":"a@b.co""#, "invalid_json", nil),
            (#"[]"#, "invalid_json", nil),
            (#""a@b.co""#, "invalid_json", nil),
            (#"null"#, "invalid_json", nil),
            // Strict RFC 8259, as reconcile reads lines (Foundation's JSONDecoder takes these).
            (#"{"email":"a@b.co",}"#, "invalid_json", nil),
            (#"{"email":"tc@x.com",}"#, "invalid_json", nil),
            (#"[1,2,]"#, "invalid_json", nil),
            (#"{"email":"a@b.co","x":[1,2,]}"#, "invalid_json", "x"),
            (#"{"email":"a@b.co"} {}"#, "invalid_json", nil),
            ("\u{FEFF}{\"email\":\"a@b.co\"}", "invalid_json", nil),
            (#"{"email":"a@b.co" /* comment */}"#, "invalid_json", nil),
            ("// comment\n{\"email\":\"a@b.co\"}", "invalid_json", nil),
            // An integer phone number is digits only: no sign, fraction, exponent or leading zero.
            (#"{"phoneNumber":-123456}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":-1}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":1.5e3}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":1.0}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":-0}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":12345678901234567890}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":007}"#, "invalid_json", "phoneNumber"),
            // Invisible characters under the standard policy.
            (#"{"email":"zw\u200bsp@x.com"}"#, "invalid_email", "email"),
            ("{\"email\":\"zw\u{200B}sp@x.com\"}", "invalid_email", "email"),
            (#"{"email":"a\u00adb@x.com"}"#, "invalid_email", "email"),
            (#"{"email":"\u202eab@x.com"}"#, "invalid_email", "email"),
            (#"{"phoneNumber":"123\u2060456"}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":"123\u034f456"}"#, "invalid_phone_number", "phoneNumber"),
        ] as [(String, String, String?)]
    )
    func badInput(body: String, code: String, field: String?) async throws {
        let server = TestServer()
        try await server.run { client in
            let response = try await client.identify(body)
            #expect(response.status == .badRequest)
            #expect(response.error?.code == code)
            #expect(response.error?.field == field)
            if let field { #expect(response.error?.message.contains(field) == true) }
        }
        #expect(try await InvariantChecker.check(store: server.store).isEmpty)
    }

    @Test("a bad UTF-8 byte in a field's string names that field, in email and phoneNumber alike")
    func invalidUTF8InAField() async throws {
        try await TestServer().run { client in
            for (field, code) in [("email", "invalid_email"), ("phoneNumber", "invalid_phone_number")] {
                var body = ByteBuffer(string: #"{"\#(field)":"12"#)
                body.writeBytes([0xFF, 0xFE])
                body.writeString(#"3"}"#)
                let response = try await client.execute(
                    uri: "/identify", method: .post, headers: jsonHeaders, body: body)
                #expect(response.status == .badRequest)
                #expect(response.error?.code == code)
                #expect(response.error?.field == field)
                #expect(response.error?.message == "\(field) is not valid UTF-8")
            }
        }
    }

    @Test("a body that is not UTF-8 outside the fields' strings, or is UTF-16, is invalid JSON")
    func invalidUTF8() async throws {
        try await TestServer().run { client in
            let utf16LE: [UInt8] = #"{"email":"u16@x.com"}"#.utf16.flatMap { unit -> [UInt8] in
                [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            }
            let badKey: [UInt8] = Array(#"{"e"#.utf8) + [0xFF] + Array(#"":1}"#.utf8)
            let bodies: [[UInt8]] = [badKey, utf16LE, [0xFF, 0xFE] + utf16LE]
            for bytes in bodies {
                let response = try await client.execute(
                    uri: "/identify", method: .post, headers: jsonHeaders, body: ByteBuffer(bytes: bytes))
                #expect(response.status == .badRequest)
                #expect(response.error?.code == "invalid_json")
            }
        }
    }

    @Test("a negative integer phone number is refused, not resolved to the positive one's person")
    func negativePhoneNumberIsNotThePositiveOne() async throws {
        let server = TestServer()
        try await server.run { client in
            #expect(try await client.identify(#"{"phoneNumber":123456}"#).status == .ok)
            let negative = try await client.identify(#"{"phoneNumber":-123456}"#)
            #expect(negative.status == .badRequest)
            #expect(
                negative.error?.message
                    == "phoneNumber must be a non-negative integer written with digits only (no sign, fraction or exponent), not -123456"
            )
        }
        #expect(try await InvariantChecker.check(store: server.store).count == 1)
    }

    @Test(
        "a body not declared as JSON is a 415",
        arguments: [nil, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "json"]
    )
    func unsupportedMediaType(contentType: String?) async throws {
        try await TestServer().run { client in
            var headers: HTTPFields = [:]
            if let contentType { headers[.contentType] = contentType }
            let response = try await client.identify(#"{"email":"a@b.co"}"#, headers: headers)
            #expect(response.status == .unsupportedMediaType)
            #expect(response.error?.code == "unsupported_media_type")
        }
    }

    @Test(
        "JSON content types with parameters and any case are accepted",
        arguments: ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""]
    )
    func acceptedMediaTypes(contentType: String) async throws {
        try await TestServer().run { client in
            let response = try await client.identify(#"{"email":"a@b.co"}"#, headers: [.contentType: contentType])
            #expect(response.status == .ok)
        }
    }

    @Test("a body over 16 KiB is a 413; exactly 16 KiB is served")
    func bodyLimit() async throws {
        let server = TestServer()
        try await server.run { client in
            let json = #"{"email":"a@b.co"}"#
            let padding = String(repeating: " ", count: 16 * 1024 - json.utf8.count)
            let atLimit = try await client.identify(json + padding)
            #expect(atLimit.status == .ok)
            let over = try await client.identify(json + padding + " ")
            #expect(over.status == .contentTooLarge)
            #expect(over.error?.code == "payload_too_large")
        }
        #expect(try await InvariantChecker.check(store: server.store).count == 1)
    }

    @Test("each request is logged with its status, and failures with their code")
    func requestLog() async throws {
        let server = TestServer()
        try await server.run { client in
            _ = try await client.identify(email: "a@b.co", phoneNumber: nil)
            _ = try await client.identify("nope")
        }
        let lines = server.logs.entries.filter { $0.message == "request" }
        #expect(lines.count == 2)
        #expect(lines.map { $0.metadata["http.status"]?.description } == ["200", "400"])
        #expect(lines.map { $0.metadata["error.code"]?.description } == [nil, "invalid_json"])
        #expect(lines.allSatisfy { $0.metadata["http.method"] == "POST" && $0.metadata["http.path"] == "/identify" })
        #expect(lines.allSatisfy { $0.metadata["duration_ms"] != nil })
    }
}
