import Foundation
import Testing

@testable import IdentifyServer

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test(
        "strings round-trip through JSONDecoder, slashes unescaped",
        arguments: [
            "plain", "", "a/b", #"quote " and backslash \"#, "line\nbreak\ttab\r", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
            "ünïcødé ✓ 𝄞", "\u{2028}",
        ])
    func strings(text: String) throws {
        var json = JSONWriter()
        json.beginArray()
        json.string(text)
        json.endArray()
        let written = String(buffer: json.buffer)
        #expect(try JSONDecoder().decode([String].self, from: Data(written.utf8)) == [text])
        #expect(!written.contains(#"\/"#))
    }

    @Test("nesting, commas, nulls and key order")
    func structure() {
        var json = JSONWriter()
        json.beginObject()
        json.key("b")
        json.integer(-2)
        json.key("a")
        json.array([1, 2]) { $0.integer($1) }
        json.key("n")
        json.string(nil)
        json.key("o")
        json.beginObject()
        json.endObject()
        json.key("e")
        json.array([String]()) { $0.string($1) }
        json.endObject()
        #expect(String(buffer: json.buffer) == #"{"b":-2,"a":[1,2],"n":null,"o":{},"e":[]}"#)
    }
}
