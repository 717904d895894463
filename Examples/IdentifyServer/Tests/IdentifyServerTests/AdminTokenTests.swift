import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import IdentifyServer

@Suite("the admin token guards the corrections")
struct AdminTokenTests {
    /// Each correction, asked with `headers` on a server holding row 1.
    private static let corrections:
        [(String, @Sendable (any TestClientProtocol, HTTPFields) async throws -> TestResponse)] = [
            ("DELETE /contacts/1", { try await $0.deleteContact("1", headers: $1) }),
            ("POST /forget", { try await $0.forget(#"{"email":"doc@hillvalley.edu"}"#, headers: $1 + jsonHeaders) }),
            ("POST /contacts/1/erase", { try await $0.eraseContact("1", headers: $1) }),
        ]

    @Test(
        "without the token, or with another, every correction is a 401 with a Bearer challenge; nothing is written",
        arguments: [
            ([:], "Bearer"),
            ([.authorization: "Bearer wrong"], #"Bearer error="invalid_token""#),
            ([.authorization: "Bearer \(testAdminToken.dropLast())"], #"Bearer error="invalid_token""#),
            ([.authorization: "Bearer \(testAdminToken)x"], #"Bearer error="invalid_token""#),
            ([.authorization: "Bearer \(testAdminToken.uppercased())"], #"Bearer error="invalid_token""#),
            ([.authorization: testAdminToken], "Bearer"),
            ([.authorization: "Basic \(testAdminToken)"], "Bearer"),
            ([.authorization: "Bearer"], "Bearer"),
            ([.authorization: "Bearer\(testAdminToken)"], "Bearer"),
            ([.authorization: "Bearer \(testAdminToken)", .authorization: "Bearer \(testAdminToken)"], "Bearer"),
        ] as [(HTTPFields, String)])
    func unauthorized(headers: HTTPFields, challenge: String) async throws {
        let server = TestServer.withAdminRoutes()
        try await server.run { client in
            _ = try await client.identify(email: "doc@hillvalley.edu", phoneNumber: "555")
            for (name, send) in Self.corrections {
                let response = try await send(client, headers)
                #expect(response.status == .unauthorized, "\(name)")
                #expect(response.error?.code == "unauthorized", "\(name)")
                #expect(response.headers[.wwwAuthenticate] == challenge, "\(name)")
            }
            #expect(try await client.get("/contacts/1").status == .ok)
        }
        // Logged as client errors, and the token is never logged.
        let lines = server.logs.entries.filter { $0.metadata["error.code"]?.description == "unauthorized" }
        #expect(lines.count == 3)
        #expect(!server.logs.entries.contains { "\($0.message) \($0.metadata)".contains(testAdminToken) })
    }

    @Test("the token is checked before the id or the body: a bad request without it is a 401 too")
    func unauthorizedBeforeInput() async throws {
        try await TestServer.withAdminRoutes().run { client in
            let delete = try await client.deleteContact("abc", headers: [:])
            let erase = try await client.eraseContact("0", headers: [:])
            let forget = try await client.forget("not json", headers: [:])
            #expect([delete.status, erase.status, forget.status] == [.unauthorized, .unauthorized, .unauthorized])
        }
    }

    @Test("the Bearer scheme is matched in any case, with one or more spaces before the token")
    func schemeCase() async throws {
        try await TestServer.withAdminRoutes().run { client in
            _ = try await client.identify(email: "doc@hillvalley.edu", phoneNumber: "555")
            _ = try await client.identify(email: "marty@hillvalley.edu", phoneNumber: "777")
            let lower = try await client.deleteContact("1", headers: [.authorization: "bearer \(testAdminToken)"])
            #expect(lower.status == .ok)
            let spaced = try await client.deleteContact("2", headers: [.authorization: "BEARER   \(testAdminToken)"])
            #expect(spaced.status == .ok)
        }
    }

    @Test(
        "without an admin token the corrections are not routed, even with an Authorization header",
        arguments: [[:], adminHeaders])
    func notRoutedWithoutToken(headers: HTTPFields) async throws {
        try await TestServer().run { client in
            _ = try await client.identify(email: "doc@hillvalley.edu", phoneNumber: "555")
            // /contacts/{id} is served with GET: 405, as for any other method it does not serve.
            let delete = try await client.deleteContact("1", headers: headers)
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET, HEAD")
            let forget = try await client.forget(#"{"email":"doc@hillvalley.edu"}"#, headers: headers + jsonHeaders)
            #expect(forget.status == .notFound)
            #expect(forget.error?.code == "not_found")
            let erase = try await client.eraseContact("1", headers: headers)
            #expect(erase.status == .notFound)
            #expect(erase.error?.code == "not_found")
            #expect(try await client.get("/contacts/1").status == .ok)
        }
    }

    @Test(
        "with an admin token, a correction's path with another method is a 405 listing the served ones",
        arguments: [
            (HTTPRequest.Method.put, "/contacts/1", "GET, HEAD, DELETE"), (.get, "/forget", "POST"),
            (.delete, "/forget", "POST"), (.get, "/contacts/1/erase", "POST"), (.delete, "/contacts/1/erase", "POST"),
        ])
    func methodNotAllowedWithToken(method: HTTPRequest.Method, path: String, allowed: String) async throws {
        try await TestServer.withAdminRoutes().run { client in
            let response = try await client.execute(uri: path, method: method, headers: adminHeaders)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allowed)
        }
    }
}

@Suite("reading the admin token")
struct AdminTokenFileTests {
    /// A file holding `bytes` in a fresh temporary directory.
    private func file(_ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-token-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("token")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test(
        "the file's trailing line breaks are not part of the token",
        arguments: ["tok3n", "tok3n\n", "tok3n\r\n", "tok3n\n\n"])
    func trailingLineBreak(content: String) throws {
        let token = try AdminToken(contentsOfFile: try file(Array(content.utf8)))
        #expect(token.matches("tok3n"))
        #expect(!token.matches(content + "x"))
    }

    @Test("an empty file is refused", arguments: ["", "\n", "\r\n"])
    func empty(content: String) throws {
        let path = try file(Array(content.utf8))
        #expect(throws: AdminTokenError.empty(path: path)) { try AdminToken(contentsOfFile: path) }
        #expect(AdminTokenError.empty(path: path).description == "the admin token file '\(path)' is empty")
    }

    @Test("a missing file or a directory is refused with the system's reason")
    func unreadable() throws {
        let missing = "/nonexistent-\(UUID())/token"
        #expect(throws: AdminTokenError.unreadableFile(path: missing, reason: "No such file or directory")) {
            try AdminToken(contentsOfFile: missing)
        }
        let directory = (try file([])).split(separator: "/").dropLast().joined(separator: "/")
        #expect(throws: AdminTokenError.unreadableFile(path: "/" + directory, reason: "Is a directory")) {
            try AdminToken(contentsOfFile: "/" + directory)
        }
    }

    @Test("a file larger than 4096 bytes is refused rather than read")
    func tooLarge() throws {
        let path = try file(Array(repeating: UInt8(ascii: "a"), count: AdminToken.maxFileSize + 1))
        #expect(throws: AdminTokenError.unreadableFile(path: path, reason: "it is larger than 4096 bytes")) {
            try AdminToken(contentsOfFile: path)
        }
        let largest = try file(Array(repeating: UInt8(ascii: "a"), count: AdminToken.maxFileSize))
        #expect(try AdminToken(contentsOfFile: largest).matches(String(repeating: "a", count: AdminToken.maxFileSize)))
    }

    @Test(
        "a token that could not be sent in a header as it is is refused, without echoing it",
        arguments: [("two words", 3), ("tab\there", 3), ("line\nbreak", 4), ("caf\u{E9}", 3), ("\u{7F}", 0)])
    func invalidCharacter(text: String, offset: Int) throws {
        #expect(throws: AdminTokenError.invalidCharacter(path: nil, offset: offset)) { try AdminToken(text) }
        let path = try file(Array(text.utf8))
        let error = AdminTokenError.invalidCharacter(path: path, offset: offset)
        #expect(throws: error) { try AdminToken(contentsOfFile: path) }
        #expect(!error.description.contains(text))
    }

    @Test("matching compares the whole token, whatever its length")
    func matching() throws {
        let token = try AdminToken("abc123")
        #expect(token.matches("abc123"))
        #expect(token.matches("abc123"[...]))
        for other in ["", "a", "abc12", "abc1234", "abc124", "ABC123", "xbc123", "abc123\0"] {
            #expect(!token.matches(other), "\(other.debugDescription)")
        }
    }
}
