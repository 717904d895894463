import Testing

/// Requests the HTTP parser refuses never reach the router; they get a JSON 400 all the same.
@Suite("requests that are not valid HTTP/1.1")
struct ProtocolErrorTests {
    enum Malformed: String, CaseIterable, CustomTestStringConvertible {
        case unknownMethod, nulInHeader, contentLengthWithTransferEncoding, headerOver80KiB, tlsClientHello

        var bytes: String {
            switch self {
            case .unknownMethod: "FOO / HTTP/1.1\r\nHost: x\r\n\r\n"
            case .nulInHeader: "GET /health HTTP/1.1\r\nHost: x\r\nX-Test: a\0b\r\n\r\n"
            case .contentLengthWithTransferEncoding:
                "POST /identify HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            case .headerOver80KiB:
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100 * 1024))\r\n\r\n"
            case .tlsClientHello: "\u{16}\u{03}\u{01}\0\u{A5}\u{01}\0\0\u{A1}\u{03}\u{03}"
            }
        }

        var testDescription: String { rawValue }
    }

    @Test(
        "a request the HTTP parser refuses is a JSON 400 malformed_request, then the connection closes",
        arguments: Malformed.allCases)
    func malformedRequest(request: Malformed) async throws {
        let server = TestServer()
        let answer = try await server.runLive { port in
            let connection = try RawConnection(port: port)
            try? connection.send(request.bytes)
            return try await connection.readToEnd()
        }
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
        #expect(
            answer.contains("\r\ncontent-type: application/json; charset=utf-8\r\n")
                || answer.contains("\r\nContent-Type: application/json; charset=utf-8\r\n"), "\(answer)")
        #expect(answer.hasSuffix("}}") && answer.contains(#"{"error":{"code":"malformed_request","#), "\(answer)")
        #expect(server.logs.entries.filter { $0.level >= .error }.isEmpty)
    }
}
