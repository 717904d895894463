import Hummingbird
import HummingbirdTesting
import IdentityReconciliation
import Testing

@Suite("GET /contacts and GET /contacts/{id}")
struct ContactsRouteTests {
    /// Rows 1 (lorraine, primary), 2 (mcfly, its secondary) and 3 (george, primary), 0.25 s apart.
    private func seed(_ client: some TestClientProtocol) async throws {
        _ = try await client.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        _ = try await client.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
        _ = try await client.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
    }

    @Test("rows in id order with the task's columns, nulls and millisecond timestamps")
    func listing() async throws {
        try await TestServer().run { client in
            try await seed(client)
            let response = try await client.get("/contacts")
            #expect(response.status == .ok)
            let expected =
                #"{"contacts":["#
                + #"{"id":1,"phoneNumber":"123456","email":"lorraine@hillvalley.edu","linkedId":null,"#
                + #""linkPrecedence":"primary","createdAt":"2023-11-14T22:13:20.000Z","#
                + #""updatedAt":"2023-11-14T22:13:20.000Z","deletedAt":null},"#
                + #"{"id":2,"phoneNumber":"123456","email":"mcfly@hillvalley.edu","linkedId":1,"#
                + #""linkPrecedence":"secondary","createdAt":"2023-11-14T22:13:20.250Z","#
                + #""updatedAt":"2023-11-14T22:13:20.250Z","deletedAt":null},"#
                + #"{"id":3,"phoneNumber":"919191","email":"george@hillvalley.edu","linkedId":null,"#
                + #""linkPrecedence":"primary","createdAt":"2023-11-14T22:13:20.500Z","#
                + #""updatedAt":"2023-11-14T22:13:20.500Z","deletedAt":null}"#
                + #"],"nextAfter":null}"#
            #expect(response.text == expected)
        }
    }

    @Test("an empty store lists nothing")
    func emptyListing() async throws {
        try await TestServer().run { client in
            let text = try await client.get("/contacts").text
            #expect(text == #"{"contacts":[],"nextAfter":null}"#)
        }
    }

    @Test("pages follow nextAfter to the end")
    func pagination() async throws {
        try await TestServer().run { client in
            try await seed(client)
            let first = try await client.get("/contacts?limit=2").decoded(as: Page.self)
            #expect(first.contacts.map(\.id) == [1, 2])
            #expect(first.nextAfter == 2)
            let second = try await client.get("/contacts?after=2&limit=2").decoded(as: Page.self)
            #expect(second.contacts.map(\.id) == [3])
            #expect(second.nextAfter == nil)
            // A page that ends exactly at the last row says so.
            let exact = try await client.get("/contacts?limit=3").decoded(as: Page.self)
            #expect(exact.contacts.map(\.id) == [1, 2, 3])
            #expect(exact.nextAfter == nil)
            let past = try await client.get("/contacts?after=3").decoded(as: Page.self)
            #expect(past.contacts.isEmpty)
            let end = try await client.get("/contacts?after=\(Int.max)&limit=1000").decoded(as: Page.self)
            #expect(end.contacts.isEmpty && end.nextAfter == nil)
        }
    }

    @Test(
        "bad paging parameters are a 400 naming the parameter",
        arguments: [
            ("after=-1", "after"), ("after=abc", "after"), ("after=1e3", "after"), ("after=", "after"),
            ("after=99999999999999999999", "after"), ("limit=0", "limit"), ("limit=1001", "limit"),
            ("limit=+5", "limit"), ("limit=%205", "limit"), ("limit=1&limit=2", "limit"),
        ]
    )
    func badPaging(query: String, parameter: String) async throws {
        try await TestServer().run { client in
            let response = try await client.get("/contacts?\(query)")
            #expect(response.status == .badRequest)
            #expect(response.error?.code == "invalid_parameter")
            #expect(response.error?.field == parameter)
            #expect(response.error?.message.hasPrefix(parameter) == true)
        }
    }

    @Test("any member id gives the consolidated contact", arguments: [1, 2])
    func contactByID(id: Int) async throws {
        try await TestServer().run { client in
            try await seed(client)
            let response = try await client.get("/contacts/\(id)")
            #expect(response.status == .ok)
            #expect(
                response.text
                    == #"{"contact":{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu","mcfly@hillvalley.edu"],"#
                    + #""phoneNumbers":["123456"],"secondaryContactIds":[2]}}"#)
        }
    }

    @Test("an unknown id is a 404")
    func unknownID() async throws {
        try await TestServer().run { client in
            try await seed(client)
            let response = try await client.get("/contacts/4")
            #expect(response.status == .notFound)
            #expect(response.error?.code == "contact_not_found")
        }
    }

    @Test(
        "an id that is not a positive integer is a 400", arguments: ["0", "-1", "abc", "1.0", "99999999999999999999"])
    func badID(id: String) async throws {
        try await TestServer().run { client in
            let response = try await client.get("/contacts/\(id)")
            #expect(response.status == .badRequest)
            #expect(response.error?.code == "invalid_parameter")
            #expect(response.error?.field == "id")
        }
    }

    private struct Page: Decodable {
        struct Row: Decodable { var id: Int }
        var contacts: [Row]
        var nextAfter: Int?
    }
}
