import Foundation
import Testing

@testable import reconcile

/// The error lines `identify` and `apply` write, read back with `JSONDecoder`.
@Suite("Error lines")
struct LineFailureTests {
    struct ErrorLine: Decodable, Equatable {
        struct Body: Decodable, Equatable {
            var line: Int
            var code: String
            var message: String
        }
        var error: Body
    }

    @Test(arguments: ["plain", "", #"quote " and backslash \"#, "line\nbreak\u{0}\u{1F}", "ünïcødé 😀 a/b"])
    func errorLinesDecodeBack(message: String) throws {
        var written: [UInt8] = []
        LineFailure(code: "invalid_email", message: message).append(line: 12, to: &written)
        let decoded = try JSONDecoder().decode(ErrorLine.self, from: Data(written))
        #expect(decoded == ErrorLine(error: .init(line: 12, code: "invalid_email", message: message)))
        // The keys in this order, as the executable tests read them.
        #expect(
            String(decoding: written, as: UTF8.self).hasPrefix(
                #"{"error":{"line":12,"code":"invalid_email","message":""#))
    }
}
