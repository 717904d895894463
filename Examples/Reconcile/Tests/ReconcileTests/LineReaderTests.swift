import Foundation
import IdentityReconciliationTesting
import Testing

@testable import reconcile

/// The chunked line reader, with tiny chunks so lines cross every buffer boundary.
@Suite("Line reader")
struct LineReaderTests {
    /// Reads a file with the reader and returns each line (nil for a line that was too long).
    static func lines(of data: Data, maximum: Int, chunk: Int) async throws -> [String?] {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("input")
            try data.write(to: file)
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            let reader = LineReader(
                descriptor: handle.fileDescriptor, name: "input", maximumLineBytes: maximum, chunkBytes: chunk)
            var result: [String?] = []
            while let line = try reader.next({ line -> String? in
                switch line {
                case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
                case .tooLong: nil
                }
            }) {
                result.append(line)
                #expect(reader.lineNumber == result.count)
            }
            return result
        }
    }

    @Test(arguments: [(8, 1), (8, 3), (16, 7), (64, 64), (1024, 100)])
    func randomLinesAcrossChunkBoundaries(maximum: Int, chunk: Int) async throws {
        var random = SplitMix64(seed: UInt64(maximum * 31 + chunk))
        var expected: [String?] = []
        var text = ""
        for _ in 0..<300 {
            let length = Int.random(in: 0...(maximum + 4), using: &random)
            let line = String((0..<length).map { _ in "abcxyz{}\"".randomElement(using: &random)! })
            text += line + "\n"
            expected.append(length > maximum ? nil : line)
        }
        #expect(try await Self.lines(of: Data(text.utf8), maximum: maximum, chunk: chunk) == expected)
    }

    @Test func theLastLineNeedsNoNewline() async throws {
        #expect(try await Self.lines(of: Data("a\nbc".utf8), maximum: 8, chunk: 2) == ["a", "bc"])
        #expect(try await Self.lines(of: Data("a\n\n".utf8), maximum: 8, chunk: 2) == ["a", ""])
        #expect(try await Self.lines(of: Data(), maximum: 8, chunk: 2) == [])
        #expect(try await Self.lines(of: Data("\n".utf8), maximum: 8, chunk: 2) == [""])
    }

    @Test func aTooLongLastLineWithoutNewline() async throws {
        #expect(try await Self.lines(of: Data("ok\n0123456789abc".utf8), maximum: 8, chunk: 3) == ["ok", nil])
    }

    @Test func aLineOfExactlyTheMaximumIsKept() async throws {
        #expect(
            try await Self.lines(of: Data("12345678\n123456789\nx".utf8), maximum: 8, chunk: 4) == [
                "12345678", nil, "x",
            ])
    }
}
