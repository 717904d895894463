import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import IdentifyServer

@Suite("openapi.yaml is true")
struct OpenAPITests {
    /// `Examples/IdentifyServer/openapi.yaml`, found from this file's path.
    static let document: String = {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let url = URL(fileURLWithPath: "/" + path + "/openapi.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static let operations = OpenAPIOperations(yaml: document)

    @Test("the document lists exactly the routes the server has")
    func everyRouteIsDocumented() {
        #expect(!Self.operations.statuses.isEmpty, "openapi.yaml not found or has no paths")
        let documented = Set(Self.operations.statuses.keys)
        let served = Set(Route.all.map { OpenAPIOperations.Key(method: $0.method.rawValue, path: $0.path) })
        #expect(documented == served)
    }

    @Test("the operations documented as needing the admin token are exactly the admin routes")
    func securedOperations() {
        let served = Set(Route.admin.map { OpenAPIOperations.Key(method: $0.method.rawValue, path: $0.path) })
        #expect(Self.operations.secured == served)
        #expect(Self.document.contains("  securitySchemes:\n    adminToken:\n      type: http\n      scheme: bearer\n"))
    }

    @Test("every documented operation is served (not 404 not_found, not 405) when there is an admin token")
    func everyDocumentedOperationIsServed() async throws {
        try await TestServer.withAdminRoutes().run { client in
            for key in Self.operations.statuses.keys {
                let path = key.path.replacing("{id}", with: "1")
                let response = try await client.execute(
                    uri: path, method: HTTPRequest.Method(key.method)!, headers: jsonHeaders + adminHeaders,
                    body: ByteBuffer(string: #"{"email":"a@b.co"}"#))
                #expect(response.status != .methodNotAllowed, "\(key)")
                #expect(response.status != .unauthorized, "\(key)")
                #expect(response.error?.code != "not_found", "\(key)")
            }
        }
    }

    @Test("every status the routes answer is documented for the route")
    func answeredStatusesAreDocumented() async throws {
        let observed: [OpenAPIOperations.Key: Set<Int>] = try await TestServer.withAdminRoutes().run { client in
            var observed: [OpenAPIOperations.Key: Set<Int>] = [:]
            func record(_ method: HTTPRequest.Method, _ template: String, _ response: TestResponse) {
                observed[.init(method: method.rawValue, path: template), default: []].insert(response.status.code)
            }
            let identify = "/identify"
            record(.post, identify, try await client.identify(#"{"email":"a@b.co"}"#))
            record(.post, identify, try await client.identify(#"{"email":1}"#))
            record(.post, identify, try await client.identify(#"{"email":"a@b.co"}"#, headers: [:]))
            record(.post, identify, try await client.identify(String(repeating: " ", count: 16 * 1024 + 1)))
            record(.get, "/contacts", try await client.get("/contacts"))
            record(.get, "/contacts", try await client.get("/contacts?limit=0"))
            record(.get, "/contacts/{id}", try await client.get("/contacts/1"))
            record(.get, "/contacts/{id}", try await client.get("/contacts/0"))
            record(.get, "/contacts/{id}", try await client.get("/contacts/99"))
            record(.get, "/health", try await client.get("/health"))
            record(.get, "/openapi.yaml", try await client.get("/openapi.yaml"))
            _ = try await client.identify(email: "a@b.co", phoneNumber: "1")
            _ = try await client.identify(email: "c@d.co", phoneNumber: "2")
            _ = try await client.identify(email: "e@f.co", phoneNumber: "3")
            let forget = "/forget"
            record(.post, forget, try await client.forget(#"{"email":"a@b.co"}"#))
            record(.post, forget, try await client.forget("{}"))
            record(.post, forget, try await client.forget(#"{"email":"a@b.co"}"#, headers: jsonHeaders))
            record(.post, forget, try await client.forget(#"{"email":"a@b.co"}"#))
            record(.post, forget, try await client.forget(#"{"email":"a@b.co"}"#, headers: adminHeaders))
            record(.post, forget, try await client.forget(String(repeating: " ", count: 16 * 1024 + 1)))
            let contact = "/contacts/{id}"
            record(.delete, contact, try await client.deleteContact("2"))
            record(.delete, contact, try await client.deleteContact("0"))
            record(.delete, contact, try await client.deleteContact("2", headers: [:]))
            record(.delete, contact, try await client.deleteContact("2"))
            let erase = "/contacts/{id}/erase"
            record(.post, erase, try await client.eraseContact("3"))
            record(.post, erase, try await client.eraseContact("0"))
            record(.post, erase, try await client.eraseContact("3", headers: [:]))
            record(.post, erase, try await client.eraseContact("3"))
            return observed
        }
        #expect(observed.values.reduce(0) { $0 + $1.count } == 11 + 6 + 4 + 4)
        for (key, statuses) in observed {
            let documented = Self.operations.statuses[key] ?? []
            #expect(
                statuses.isSubset(of: documented), "\(key): answered \(statuses.sorted()), documented \(documented)")
        }
    }

    @Test("GET /openapi.yaml serves the file itself")
    func servesTheFile() async throws {
        try await TestServer().run { client in
            let response = try await client.get("/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml")
            #expect(response.text == Self.document)
        }
    }
}

/// The operations of an OpenAPI document written in this repository's layout: paths at
/// two spaces under `paths:`, methods at four, `security:` at six, status codes at eight
/// under `responses:`.
struct OpenAPIOperations {
    struct Key: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var description: String { "\(method) \(path)" }
    }

    /// The documented response statuses of each operation.
    private(set) var statuses: [Key: Set<Int>] = [:]
    /// The operations with a `security` requirement.
    private(set) var secured: Set<Key> = []

    init(yaml: String) {
        var inPaths = false
        var path: String?
        var method: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: true) {
            let indent = line.prefix { $0 == " " }.count
            let text = line.dropFirst(indent)
            if indent == 0 {
                inPaths = text == "paths:"
                continue
            }
            guard inPaths else { continue }
            if indent == 2, text.hasPrefix("/"), text.hasSuffix(":") {
                path = String(text.dropLast())
                method = nil
            } else if indent == 4, let path, text.hasSuffix(":") {
                let name = String(text.dropLast()).uppercased()
                let isMethod = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(name)
                method = isMethod ? name : nil
                if isMethod { statuses[Key(method: name, path: path)] = [] }
            } else if indent == 6, let path, let method, text == "security:" {
                secured.insert(Key(method: method, path: path))
            } else if indent == 8, let path, let method, text.hasSuffix(":"),
                let status = Int(text.dropLast().trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            {
                statuses[Key(method: method, path: path), default: []].insert(status)
            }
        }
    }
}
