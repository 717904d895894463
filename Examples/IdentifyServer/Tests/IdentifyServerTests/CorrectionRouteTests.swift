import Hummingbird
import HummingbirdTesting
import IdentityReconciliation
import Testing

@Suite("DELETE /contacts/{id}, POST /forget, POST /contacts/{id}/erase")
struct CorrectionRouteTests {
    /// The issue's example: rows 1 {a, 0000000000} (primary), 2 {b, 0000000000} (its secondary),
    /// 3 {c, 555} (primary), then {c, 0000000000} merges 3 into 1 with a link and no new row.
    private func seedSharedPhone(_ client: some TestClientProtocol) async throws {
        _ = try await client.identify(email: "a@x.io", phoneNumber: "0000000000")
        _ = try await client.identify(email: "b@x.io", phoneNumber: "0000000000")
        _ = try await client.identify(email: "c@x.io", phoneNumber: "555")
        let merged = try await client.identify(email: "c@x.io", phoneNumber: "0000000000")
        #expect(
            merged
                == #"{"contact":{"primaryContatctId":1,"emails":["a@x.io","b@x.io","c@x.io"],"#
                + #""phoneNumbers":["0000000000","555"],"secondaryContactIds":[2,3]}}"#)
    }

    /// The inner object of `GET /contacts/{id}`'s body, as a correction lists it.
    private func innerContact(_ client: some TestClientProtocol, id: Int) async throws -> String {
        let text = try await client.get("/contacts/\(id)").text
        #expect(text.hasPrefix(#"{"contact":"#))
        return String(text.dropFirst(#"{"contact":"#.count).dropLast())
    }

    @Test("forgetting a junk phone number splits the people it joined (the issue's example)")
    func forgetSplits() async throws {
        try await TestServer.withAdminRoutes().run { client in
            try await seedSharedPhone(client)
            let response = try await client.forget(#"{"phoneNumber":"0000000000"}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(
                response.text
                    == #"{"contacts":["#
                    + #"{"primaryContatctId":1,"emails":["a@x.io"],"phoneNumbers":[],"secondaryContactIds":[]},"#
                    + #"{"primaryContatctId":2,"emails":["b@x.io"],"phoneNumbers":[],"secondaryContactIds":[]},"#
                    + #"{"primaryContatctId":3,"emails":["c@x.io"],"phoneNumbers":["555"],"secondaryContactIds":[]}"#
                    + "]}")
            // Each is its own person now, as GET /contacts/{id} shows.
            for id in 1...3 {
                #expect(
                    try await client.get("/contacts/\(id)").decoded(as: IdentifyResponse.self).contact.primaryContactID
                        == id)
            }
            // Gone everywhere: a second forget finds nothing.
            let again = try await client.forget(#"{"phoneNumber":"0000000000"}"#)
            #expect(again.status == .notFound)
            #expect(
                again.error
                    == .init(
                        code: "phone_number_not_found", message: #"no contact holds the phone number "0000000000""#,
                        field: "phoneNumber"))
        }
    }

    @Test("forgetting an email answers the person left, byte for byte as GET /contacts/{id} shows it")
    func forgetEmail() async throws {
        try await TestServer.withAdminRoutes().run { client in
            _ = try await client.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
            _ = try await client.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
            // Normalized like any input: the case of the email does not matter.
            let response = try await client.forget(#"{"email":"McFly@HillValley.edu"}"#)
            #expect(response.status == .ok)
            let expected =
                #"{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu"],"phoneNumbers":["123456"],"#
                + #""secondaryContactIds":[2]}"#
            #expect(response.text == #"{"contacts":["# + expected + "]}")
            #expect(try await innerContact(client, id: 2) == expected)
        }
    }

    @Test("a phone number to forget may be a JSON integer, as POST /identify accepts it")
    func forgetIntegerPhoneNumber() async throws {
        try await TestServer.withAdminRoutes().run { client in
            _ = try await client.identify(email: "doc@hillvalley.edu", phoneNumber: "555")
            let response = try await client.forget(#"{"phoneNumber":555,"email":null}"#)
            #expect(response.status == .ok)
            #expect(
                response.text
                    == #"{"contacts":[{"primaryContatctId":1,"emails":["doc@hillvalley.edu"],"phoneNumbers":[],"#
                    + #""secondaryContactIds":[]}]}"#)
        }
    }

    @Test("deleting a primary promotes the oldest row still joined to the rest")
    func deletePromotes() async throws {
        try await TestServer.withAdminRoutes().run { client in
            try await seedSharedPhone(client)
            let response = try await client.deleteContact("1")
            #expect(response.status == .ok)
            // 2 holds 0000000000 and 3 holds c@x.io: the merge's link still joins them.
            #expect(
                response.text
                    == #"{"contacts":[{"primaryContatctId":2,"emails":["b@x.io","c@x.io"],"#
                    + #""phoneNumbers":["0000000000","555"],"secondaryContactIds":[3]}]}"#)
            #expect(try await client.get("/contacts/1").status == .notFound)
            #expect(try await innerContact(client, id: 3).hasPrefix(#"{"primaryContatctId":2,"#))
            // Already deleted: not found, nothing written.
            let again = try await client.deleteContact("1")
            #expect(again.status == .notFound)
            #expect(again.error == .init(code: "contact_not_found", message: "no live contact has id 1", field: "id"))
        }
    }

    @Test("deleting a person's only row leaves no one")
    func deleteAlone() async throws {
        try await TestServer.withAdminRoutes().run { client in
            _ = try await client.identify(email: "doc@hillvalley.edu", phoneNumber: nil)
            let response = try await client.deleteContact("1")
            #expect(response.status == .ok)
            #expect(response.text == #"{"contacts":[]}"#)
            // A soft delete: the row stays, with its values and deletedAt.
            let rows = try await client.get("/contacts").text
            #expect(rows.contains(#""email":"doc@hillvalley.edu""#) && rows.contains(#""deletedAt":"2023-"#))
        }
    }

    @Test("erasing a person by any row's id leaves tombstones and no one")
    func erase() async throws {
        try await TestServer.withAdminRoutes().run { client in
            try await seedSharedPhone(client)
            let response = try await client.eraseContact("3")
            #expect(response.status == .ok)
            #expect(response.text == #"{"contacts":[]}"#)
            for id in 1...3 {
                #expect(try await client.get("/contacts/\(id)").status == .notFound)
            }
            let rows = try await client.get("/contacts").text
            #expect(!rows.contains("x.io") && !rows.contains("555") && !rows.contains("0000000000"))
            #expect(rows.components(separatedBy: #""deletedAt":null"#).count == 1)
            #expect(rows.components(separatedBy: #""id":"#).count == 4)
            // Nothing is left to erase.
            let again = try await client.eraseContact("1")
            #expect(again.status == .notFound)
            #expect(again.error?.code == "contact_not_found")
        }
    }

    @Test(
        "an unknown id or value is a 404 naming what was not found; nothing is written",
        arguments: [
            ("DELETE", "4", "contact_not_found", "id"), ("ERASE", "4", "contact_not_found", "id"),
            ("FORGET", #"{"email":"nobody@hillvalley.edu"}"#, "email_not_found", "email"),
            ("FORGET", #"{"phoneNumber":"999"}"#, "phone_number_not_found", "phoneNumber"),
        ])
    func notFound(operation: String, argument: String, code: String, field: String) async throws {
        try await TestServer.withAdminRoutes().run { client in
            _ = try await client.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
            let before = try await client.get("/contacts").text
            let response =
                switch operation {
                case "DELETE": try await client.deleteContact(argument)
                case "ERASE": try await client.eraseContact(argument)
                default: try await client.forget(argument)
                }
            #expect(response.status == .notFound)
            #expect(response.error?.code == code)
            #expect(response.error?.field == field)
            #expect(try await client.get("/contacts").text == before)
        }
    }

    @Test(
        "an id that is not a positive integer is a 400", arguments: ["0", "-1", "abc", "1.0", "99999999999999999999"])
    func badID(id: String) async throws {
        try await TestServer.withAdminRoutes().run { client in
            for response in [try await client.deleteContact(id), try await client.eraseContact(id)] {
                #expect(response.status == .badRequest)
                #expect(response.error?.code == "invalid_parameter")
                #expect(response.error?.field == "id")
            }
        }
    }

    @Test(
        "a POST /forget body that does not name exactly one valid value is a 400",
        arguments: [
            ("not json", "invalid_json", nil), ("[]", "invalid_json", nil),
            ("{}", "missing_email_and_phone_number", nil),
            (#"{"email":null,"phoneNumber":null}"#, "missing_email_and_phone_number", nil),
            (#"{"email":"a@x.io","phoneNumber":"1"}"#, "both_email_and_phone_number", nil),
            (#"{"email":"a@x.io","phone":"1"}"#, "unknown_field", "phone"),
            (#"{"email":1}"#, "invalid_email", "email"),
            (#"{"phoneNumber":true}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":1.5}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"phoneNumber":-1}"#, "invalid_phone_number", "phoneNumber"),
            (#"{"email":"a@x.io",}"#, "invalid_json", nil),
            (#"{"email":"nope"}"#, "invalid_email", "email"), (#"{"email":"  "}"#, "invalid_email", "email"),
            (#"{"phoneNumber":"12ab"}"#, "invalid_phone_number", "phoneNumber"),
        ] as [(String, String, String?)])
    func badForgetBody(body: String, code: String, field: String?) async throws {
        try await TestServer.withAdminRoutes().run { client in
            _ = try await client.identify(email: "a@x.io", phoneNumber: "1")
            let response = try await client.forget(body)
            #expect(response.status == .badRequest)
            #expect(response.error?.code == code)
            #expect(response.error?.field == field)
            #expect(try await client.get("/contacts/1").text.contains("a@x.io"))
        }
    }

    @Test("a POST /forget body must be declared JSON and at most 16 KiB, like POST /identify's")
    func forgetBodyLimits() async throws {
        try await TestServer.withAdminRoutes().run { client in
            let untyped = try await client.forget(#"{"email":"a@x.io"}"#, headers: adminHeaders)
            #expect(untyped.status == .unsupportedMediaType)
            #expect(untyped.error?.code == "unsupported_media_type")
            let large = try await client.forget(String(repeating: " ", count: 16 * 1024 + 1))
            #expect(large.status == .contentTooLarge)
            #expect(large.error?.code == "payload_too_large")
        }
    }
}
