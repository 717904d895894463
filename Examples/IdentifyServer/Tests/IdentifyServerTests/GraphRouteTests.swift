import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityReconciliation
import Testing

@testable import IdentifyServer

@Suite("GET /contacts/{id}/explain, GET /report")
struct GraphRouteTests {
    /// Rows 1 {a, 111} and 2 {b, 111} share a phone number, 3 {c, 222} and 4 {c, 333} an
    /// email, and {b, 333} merges the two people, recording the link {b, 333}.
    private func seedChain(_ client: some TestClientProtocol) async throws {
        for (email, phone) in [("a@x.io", "111"), ("b@x.io", "111"), ("c@x.io", "222"), ("c@x.io", "333")] {
            _ = try await client.identify(email: email, phoneNumber: phone)
        }
        let merged = try await client.identify(email: "b@x.io", phoneNumber: "333")
        #expect(merged.contains(#""secondaryContactIds":[2,3,4]"#))
    }

    private func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: adminHeaders)
    }

    @Test("explain answers the chain through a phone number, a link from a merge and an email")
    func explainChain() async throws {
        let server = TestServer.withAdminRoutes()
        let store = server.store
        try await server.run { client in
            try await seedChain(client)
            let link = try #require(try await IdentityResolver(store: store).allLinks().first)
            let response = try await get(client, "/contacts/1/explain?to=3")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(
                response.text
                    == #"{"steps":[{"from":1,"to":2,"via":{"phoneNumber":"111"}},"#
                    + #"{"from":2,"to":4,"via":{"link":{"email":"b@x.io","phoneNumber":"333","#
                    + #""createdAt":"\#(WireCodec.timestamp(link.createdAt))"}}},"#
                    + #"{"from":4,"to":3,"via":{"email":"c@x.io"}}]}"#)
            #expect(try await get(client, "/contacts/2/explain?to=2").text == #"{"steps":[]}"#)
        }
    }

    @Test("explain refuses missing rows, different people and bad parameters")
    func explainErrors() async throws {
        try await TestServer.withAdminRoutes().run { client in
            try await seedChain(client)
            _ = try await client.identify(email: "z@x.io", phoneNumber: "999")  // row 5, another person
            let cases: [(String, HTTPResponse.Status, String, String)] = [
                ("/contacts/1/explain?to=99", .notFound, "contact_not_found", "to"),
                ("/contacts/99/explain?to=1", .notFound, "contact_not_found", "id"),
                ("/contacts/1/explain?to=5", .notFound, "different_people", "to"),
                ("/contacts/1/explain", .badRequest, "invalid_parameter", "to"),
                ("/contacts/1/explain?to=0", .badRequest, "invalid_parameter", "to"),
                ("/contacts/1/explain?to=2&to=3", .badRequest, "invalid_parameter", "to"),
                ("/contacts/x/explain?to=2", .badRequest, "invalid_parameter", "id"),
            ]
            for (uri, status, code, field) in cases {
                let response = try await get(client, uri)
                #expect(response.status == status, "\(uri)")
                #expect(response.error?.code == code, "\(uri)")
                #expect(response.error?.field == field, "\(uri)")
            }
            #expect(
                try await get(client, "/contacts/1/explain?to=5").error?.message
                    == "contacts 1 and 5 belong to different people: no evidence joins them")
        }
    }

    @Test("the report flags the super cluster and its value, then nothing once the value is forgotten")
    func reportSuperCluster() async throws {
        try await TestServer.withAdminRoutes().run { client in
            for customer in 1...20 {
                _ = try await client.identify(email: "customer\(customer)@shop.io", phoneNumber: "0000000000")
            }
            let response = try await get(client, "/report?top=2&flagOver=10")
            #expect(response.status == .ok)
            let group = #"{"primaryID":1,"rows":20,"emails":20,"phoneNumbers":1}"#
            let value = #"{"field":"phoneNumber","value":"0000000000","rows":20,"links":0,"primaryID":1}"#
            #expect(
                response.text
                    == #"{"rows":20,"liveRows":20,"deletedRows":0,"links":0,"people":1,"groupSizes":["#
                    + #"{"smallest":1,"largest":1,"groups":0},{"smallest":2,"largest":3,"groups":0},"#
                    + #"{"smallest":4,"largest":7,"groups":0},{"smallest":8,"largest":15,"groups":0},"#
                    + #"{"smallest":16,"largest":31,"groups":1}],"#
                    + #""largestGroups":[\#(group)],"topValues":[\#(value)],"flagThreshold":10,"#
                    + #""flaggedGroups":[\#(group)],"flaggedValues":[\#(value)]}"#)
            // The defaults: top 10, flagOver 50.
            let defaults = try await get(client, "/report").decoded(as: GraphReport.self)
            #expect(defaults.flagThreshold == 50 && defaults.flaggedGroups.isEmpty && defaults.largestGroups.count == 1)

            _ = try await client.forget(#"{"phoneNumber":"0000000000"}"#)
            let repaired = try await get(client, "/report?flagOver=10").decoded(as: GraphReport.self)
            #expect(repaired.people == 20 && repaired.flaggedGroups.isEmpty && repaired.flaggedValues.isEmpty)

            for uri in ["/report?top=-1", "/report?top=1001", "/report?flagOver=x", "/report?top=1&top=2"] {
                let bad = try await get(client, uri)
                #expect(bad.status == .badRequest, "\(uri)")
                #expect(bad.error?.code == "invalid_parameter", "\(uri)")
            }
        }
    }

    @Test("both need the admin token, and are not routed without one")
    func adminOnly() async throws {
        try await TestServer.withAdminRoutes().run { client in
            try await seedChain(client)
            for uri in ["/contacts/1/explain?to=3", "/report"] {
                let response = try await client.execute(uri: uri, method: .get, headers: [:])
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(response.headers[.wwwAuthenticate] == "Bearer", "\(uri)")
                let wrong = try await client.execute(
                    uri: uri, method: .get, headers: [.authorization: "Bearer wrong"])
                #expect(wrong.status == .unauthorized, "\(uri)")
            }
        }
        try await TestServer().run { client in
            try await seedChain(client)
            for uri in ["/contacts/1/explain?to=3", "/report"] {
                let response = try await client.execute(uri: uri, method: .get, headers: adminHeaders)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.error?.code == "not_found", "\(uri)")
            }
        }
    }

    @Test("every status these routes answer is documented for them in openapi.yaml")
    func statusesAreDocumented() async throws {
        let observed: [OpenAPIOperations.Key: Set<Int>] = try await TestServer.withAdminRoutes().run { client in
            try await seedChain(client)
            _ = try await client.identify(email: "z@x.io", phoneNumber: "999")
            var observed: [OpenAPIOperations.Key: Set<Int>] = [:]
            let explain = OpenAPIOperations.Key(method: "GET", path: "/contacts/{id}/explain")
            for uri in ["/contacts/1/explain?to=3", "/contacts/1/explain", "/contacts/1/explain?to=5"] {
                observed[explain, default: []].insert(try await get(client, uri).status.code)
            }
            observed[explain, default: []].insert(
                try await client.execute(uri: "/contacts/1/explain?to=3", method: .get).status.code)
            let report = OpenAPIOperations.Key(method: "GET", path: "/report")
            for uri in ["/report", "/report?top=-1"] {
                observed[report, default: []].insert(try await get(client, uri).status.code)
            }
            observed[report, default: []].insert(try await client.execute(uri: "/report", method: .get).status.code)
            return observed
        }
        #expect(observed.values.reduce(0) { $0 + $1.count } == 4 + 3)
        for (key, statuses) in observed {
            let documented = OpenAPITests.operations.statuses[key] ?? []
            #expect(
                statuses.isSubset(of: documented), "\(key): answered \(statuses.sorted()), documented \(documented)")
        }
    }
}
