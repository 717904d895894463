import Hummingbird
import IdentityReconciliation

/// A fast path for the `POST /identify` body clients nearly always send:
/// `{"email":"…","phoneNumber":"…"}`.
///
/// Under wrk, `JSONDecoder` was about 6% of the server's CPU per identify. This reads the
/// usual body in one pass instead, and gives up (returns `nil`) on anything else, which the
/// caller then decodes with `JSONDecoder`: so every body it accepts decodes to the same
/// request as with `JSONDecoder`, and every other body (and every error) is exactly as before.
enum SimpleIdentifyBody {
    /// The request, when `buffer` holds one JSON object whose members are only `"email"` and
    /// `"phoneNumber"`, each at most once, each a string in valid UTF-8 without escapes or
    /// control characters, with only JSON whitespace around the tokens; otherwise `nil`.
    static func decode(_ buffer: ByteBuffer) -> IdentifyRequest? {
        buffer.withUnsafeReadableBytes { decode($0) }
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer) -> IdentifyRequest? {
        var reader = Reader(bytes: bytes)
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        var email: String?
        var phoneNumber: String?
        var sawEmail = false
        var sawPhoneNumber = false
        if !reader.take(UInt8(ascii: "}")) {
            while true {
                guard let key = reader.string(), reader.take(UInt8(ascii: ":")),
                    let value = reader.string(),
                    let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[value]), as: UTF8.self)
                else { return nil }
                if bytes[key].elementsEqual("email".utf8) && !sawEmail {
                    sawEmail = true
                    email = text
                } else if bytes[key].elementsEqual("phoneNumber".utf8) && !sawPhoneNumber {
                    sawPhoneNumber = true
                    phoneNumber = text
                } else {
                    return nil
                }
                if reader.take(UInt8(ascii: ",")) { continue }
                guard reader.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        reader.skipWhitespace()
        guard reader.isAtEnd else { return nil }
        return IdentifyRequest(email: email, phoneNumber: phoneNumber)
    }

    /// A cursor over the body's bytes.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
                default: return
                }
            }
        }

        /// Skips whitespace, then consumes `byte` if it comes next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// Skips whitespace, then consumes a string without escapes or control characters and
        /// returns the range of its contents; `nil` (consuming nothing useful) otherwise.
        mutating func string() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }
    }
}
