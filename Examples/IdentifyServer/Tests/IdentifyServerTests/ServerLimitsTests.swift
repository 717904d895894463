import Testing

@testable import IdentifyServer

/// The connection cap, the idle timeout and the request deadline, over real sockets.
@Suite("server limits")
struct ServerLimitsTests {
    static let request = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

    @Test(
        "the connection cap fits under the open-file limit with a reserve",
        arguments: [(10_000, 1_024, 896), (500, 1_024, 500), (10_000, 1_048_576, 10_000), (10_000, 100, 1)])
    func connectionCap(maxConnections: Int, openFileLimit: Int, expected: Int) {
        let limits = ServerLimits(maxConnections: maxConnections)
        #expect(limits.connectionCap(openFileLimit: openFileLimit) == expected)
    }

    @Test("a connection that sends nothing is closed after the idle timeout")
    func idleConnectionIsClosed() async throws {
        let server = TestServer(limits: ServerLimits(idleTimeout: .milliseconds(200)))
        let answer = try await server.runLive { port in
            try await RawConnection(port: port).readToEnd()
        }
        #expect(answer == "")
    }

    @Test("a keep-alive connection is closed after the idle timeout that follows its answer")
    func keepAliveConnectionIsClosed() async throws {
        let server = TestServer(limits: ServerLimits(idleTimeout: .milliseconds(200)))
        let answer = try await server.runLive { port in
            let connection = try RawConnection(port: port)
            try connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            return try await connection.readToEnd()
        }
        #expect(answer.hasPrefix("HTTP/1.1 200 OK"))
        #expect(answer.hasSuffix(#"{"status":"ok"}"#))
    }

    /// Requests that never finish arriving.
    enum StalledRequest: String, CaseIterable, CustomTestStringConvertible {
        case halfAHead, headWithoutBody

        var bytes: String {
            switch self {
            case .halfAHead: "POST /identify HTTP/1.1\r\nHost: x\r\nContent-Ty"
            case .headWithoutBody:
                "POST /identify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{"
            }
        }

        var testDescription: String { rawValue }
    }

    @Test(
        "a request that does not arrive whole within the request timeout is closed", arguments: StalledRequest.allCases)
    func stalledRequestIsClosed(stalled: StalledRequest) async throws {
        // The idle timeout is long: only the request deadline can close the connection.
        let server = TestServer(limits: ServerLimits(idleTimeout: .seconds(600), requestTimeout: .milliseconds(200)))
        let answer = try await server.runLive { port in
            let connection = try RawConnection(port: port)
            try connection.send(stalled.bytes)
            return try await connection.readToEnd()
        }
        #expect(!answer.contains("200 OK"), "\(answer)")
        #expect(server.logs.entries.filter { $0.level >= .error }.isEmpty)
    }

    @Test("at the cap a new connection closes the connection idle longest, and is served")
    func idleConnectionIsEvicted() async throws {
        let server = TestServer(limits: ServerLimits(maxConnections: 2))
        try await server.runLive { port in
            let oldest = try RawConnection(port: port)
            try await Self.waitUntil(server, holds: 1, idle: 1)
            let newer = try RawConnection(port: port)
            try await Self.waitUntil(server, holds: 2, idle: 2)
            let fresh = try RawConnection(port: port)
            try fresh.send(Self.request)
            let answer = try await fresh.readToEnd()
            #expect(answer.hasPrefix("HTTP/1.1 200 OK"), "\(answer)")
            #expect(try await oldest.readToEnd() == "")
            _ = newer
        }
    }

    @Test("at the cap with every connection inside a request, a new connection is closed at once")
    func newConnectionIsRefusedWhenAllAreBusy() async throws {
        let server = TestServer(limits: ServerLimits(maxConnections: 2, idleTimeout: .seconds(600)))
        try await server.runLive { port in
            let busy = try (0..<2).map { _ in try RawConnection(port: port) }
            for connection in busy { try connection.send("GET /health HTTP/1.1\r\nHo") }
            try await Self.waitUntil(server, holds: 2, idle: 0)
            let refused = try RawConnection(port: port)
            try? refused.send(Self.request)
            #expect(try await refused.readToEnd() == "")
        }
    }

    /// Waits (up to 10 s) until the server holds `open` connections, `idle` of them idle:
    /// accepting and reading run on the server's threads.
    private static func waitUntil(
        _ server: TestServer<some Any>, holds open: Int, idle: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for _ in 0..<1_000 where server.connections.counts != (open, idle) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.connections.counts == (open, idle), sourceLocation: sourceLocation)
    }
}
