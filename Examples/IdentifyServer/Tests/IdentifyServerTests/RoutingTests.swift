import Hummingbird
import HummingbirdTesting
import Testing

@Suite("routing, health and errors")
struct RoutingTests {
    @Test("GET /health")
    func health() async throws {
        try await TestServer().run { client in
            let response = try await client.get("/health")
            #expect(response.status == .ok)
            #expect(response.text == #"{"status":"ok"}"#)
        }
    }

    @Test("HEAD on a GET route answers the GET's status and headers without a body")
    func head() async throws {
        try await TestServer().run { client in
            let response = try await client.execute(uri: "/health", method: .head)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test(
        "a served path with another method is a 405 listing the allowed ones",
        arguments: [
            (HTTPRequest.Method.get, "/identify", "POST"), (.head, "/identify", "POST"), (.put, "/identify", "POST"),
            (.post, "/contacts", "GET, HEAD"), (.delete, "/contacts/1", "GET, HEAD"),
            (.patch, "/contacts/1", "GET, HEAD"), (.post, "/health", "GET, HEAD"),
            (.options, "/openapi.yaml", "GET, HEAD"),
        ]
    )
    func methodNotAllowed(method: HTTPRequest.Method, path: String, allowed: String) async throws {
        try await TestServer().run { client in
            let response = try await client.execute(uri: path, method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allowed)
            if method != .head {
                #expect(response.error?.code == "method_not_allowed")
            }
        }
    }

    @Test("an unknown path is a JSON 404", arguments: ["/", "/nope", "/identify/extra", "/contacts/1/2"])
    func notFound(path: String) async throws {
        try await TestServer().run { client in
            let response = try await client.get(path)
            #expect(response.status == .notFound)
            #expect(response.error?.code == "not_found")
        }
    }
}
