import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityReconciliation
import IdentityReconciliationTesting
import InMemoryLogging
import Logging
import ServiceLifecycle
import Testing

@testable import IdentifyServer

/// A service driven in-process through HummingbirdTesting's router client; in memory unless given a store.
struct TestServer<Store: ContactStore> {
    let store: Store
    /// The admin token the server requires for its corrections; `nil` leaves them unrouted.
    let adminToken: AdminToken?
    /// Starts at 2023-11-14T22:13:20.000Z and moves 0.25 s per reading, so timestamps are known.
    let clock = ManualClock(step: 0.25)
    let logs = InMemoryLogHandler()
    /// The connection cap and timeouts (the defaults unless a test is about them).
    let limits: ServerLimits
    /// The open connections of the server, for tests of the connection cap.
    let connections: ConnectionRegistry
    /// The blocked values and limits per person of the resolver (none unless a test is about them).
    let protection: GraphProtection

    init(
        store: Store, adminToken: AdminToken? = nil, limits: ServerLimits = ServerLimits(),
        protection: GraphProtection = .none
    ) {
        self.store = store
        self.adminToken = adminToken
        self.limits = limits
        self.protection = protection
        self.connections = ConnectionRegistry(maxConnections: limits.maxConnections)
    }

    /// Runs `body` with a client whose requests go straight to the router.
    func run<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await makeApplication().test(.router, body)
    }

    /// Runs `body` with the port of the server listening on loopback, for tests over a real
    /// socket; the server holds no connection but those `body` opens (unlike HummingbirdTesting's
    /// live mode, whose client keeps one open). Stops the server gracefully afterwards.
    func runLive<Value: Sendable>(_ body: @Sendable (_ port: Int) async throws -> Value) async throws -> Value {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = makeApplication { port in portContinuation.yield(port ?? 0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test-service-group")))
        return try await withThrowingTaskGroup(of: Value?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            defer { tasks.cancelAll() }
            let port = try #require(await ports.first { _ in true })
            let result: Result<Value, any Error>
            do { result = .success(try await body(port)) } catch { result = .failure(error) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    private func makeApplication(
        onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let logs = self.logs
        var logger = Logger(label: "identify-server-test") { _ in logs }
        logger.logLevel = .info
        return IdentifyApp.makeApplication(
            resolver: IdentityResolver(store: store, clock: clock, protection: protection), adminToken: adminToken,
            host: "127.0.0.1",
            port: 0, limits: limits, connections: connections, logger: logger, onServerRunning: onServerRunning)
    }
}

extension TestServer where Store == InMemoryContactStore {
    init(adminToken: AdminToken? = nil) {
        self.init(store: InMemoryContactStore(), adminToken: adminToken)
    }

    /// An in-memory server under `limits`.
    init(limits: ServerLimits) {
        self.init(store: InMemoryContactStore(), limits: limits)
    }

    /// An in-memory server whose resolver decides under `protection`.
    init(protection: GraphProtection) {
        self.init(store: InMemoryContactStore(), protection: protection)
    }

    /// An in-memory server with the corrections routed, behind ``testAdminToken``.
    static func withAdminRoutes() -> TestServer {
        TestServer(adminToken: try! AdminToken(testAdminToken))
    }
}

/// The admin token of ``TestServer/withAdminRoutes()``.
let testAdminToken = "s3cret-Admin_token.42"

/// The `Authorization` header carrying ``testAdminToken``.
let adminHeaders: HTTPFields = [.authorization: "Bearer \(testAdminToken)"]

/// A JSON body from text.
func jsonBody(_ text: String) -> ByteBuffer {
    ByteBuffer(string: text)
}

/// The headers of a JSON request.
let jsonHeaders: HTTPFields = [.contentType: "application/json"]

extension TestClientProtocol {
    /// `POST /identify` with a JSON body.
    func identify(_ json: String, headers: HTTPFields = jsonHeaders) async throws -> TestResponse {
        try await execute(uri: "/identify", method: .post, headers: headers, body: jsonBody(json))
    }

    /// `POST /identify` with an email and a phone number, expecting 200; returns the body.
    func identify(email: String?, phoneNumber: String?) async throws -> String {
        let request = IdentifyRequest(email: email, phoneNumber: phoneNumber)
        let json = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        let response = try await identify(json)
        #expect(response.status == .ok, "\(json) → \(response.text)")
        return response.text
    }

    /// `GET uri`.
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    /// `POST /forget` with a JSON body and, unless told otherwise, the admin token.
    func forget(_ json: String, headers: HTTPFields = adminHeaders + jsonHeaders) async throws -> TestResponse {
        try await execute(uri: "/forget", method: .post, headers: headers, body: jsonBody(json))
    }

    /// `DELETE /contacts/{id}` with, unless told otherwise, the admin token.
    func deleteContact(_ id: String, headers: HTTPFields = adminHeaders) async throws -> TestResponse {
        try await execute(uri: "/contacts/\(id)", method: .delete, headers: headers)
    }

    /// `POST /contacts/{id}/erase` with, unless told otherwise, the admin token.
    func eraseContact(_ id: String, headers: HTTPFields = adminHeaders) async throws -> TestResponse {
        try await execute(uri: "/contacts/\(id)/erase", method: .post, headers: headers)
    }
}

extension TestResponse {
    /// The body as UTF-8 text.
    var text: String { String(buffer: body) }

    /// The body decoded as JSON.
    func decoded<Value: Decodable>(as type: Value.Type = Value.self) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The `{"error":{…}}` body of an error response.
    var error: ErrorBody.Detail? { (try? decoded(as: ErrorBody.self))?.error }
}

/// The error body every failure has.
struct ErrorBody: Decodable {
    struct Detail: Decodable, Equatable {
        var code: String
        var message: String
        var field: String?
    }
    var error: Detail
}
