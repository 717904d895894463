import Logging
import Testing

/// A client that goes away in the middle of a request is not a server error: no 500, nothing
/// logged at error level. Driven over a real socket, since no HTTP client sends such requests.
@Suite("clients that go away")
struct ClientDisconnectTests {
    /// Requests whose body ends before it should.
    enum CutBody: String, CaseIterable, CustomTestStringConvertible {
        /// `Content-Length: 100` and 19 bytes.
        case shorterThanContentLength
        /// A chunk announced as 0x40 bytes and 19 bytes of it.
        case chunkCutShort

        var request: String {
            let partial = #"{"email":"a@b.co","#
            switch self {
            case .shorterThanContentLength:
                return "POST /identify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n\(partial)"
            case .chunkCutShort:
                return "POST /identify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n40\r\n\(partial)"
            }
        }

        var testDescription: String { rawValue }
    }

    @Test("a body cut short by a half-close is a 400, logged at info", arguments: CutBody.allCases)
    func halfClosedBody(cut: CutBody) async throws {
        let server = TestServer()
        let answer = try await server.runLive { port in
            let connection = try RawConnection(port: port)
            try connection.send(cut.request)
            try connection.shutdownWrite()
            return try await connection.readToEnd()
        }
        #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(answer)")
        #expect(answer.contains(#""code":"incomplete_body""#), "\(answer)")
        #expect(server.logs.entries.filter { $0.level >= .error }.isEmpty, "\(server.logs.entries)")
        let lines = server.logs.entries.filter { $0.message == "request" }
        #expect(lines.map { $0.metadata["error.code"]?.description } == ["incomplete_body"])
    }

    @Test("a connection closed in the middle of a body logs nothing at error level", arguments: CutBody.allCases)
    func closedInBody(cut: CutBody) async throws {
        let server = TestServer()
        try await server.runLive { port in
            do {
                let connection = try RawConnection(port: port)
                try connection.send(cut.request)
            }
            // The connection is closed (deinit); wait until the server has logged the request.
            for _ in 0..<500 where !server.logs.entries.contains(where: { $0.message == "request" }) {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(server.logs.entries.contains { $0.message == "request" })
        #expect(server.logs.entries.filter { $0.level >= .error }.isEmpty, "\(server.logs.entries)")
    }
}
