/// Reads bytes holding one JSON object (a request line or body, an exported row), without
/// `JSONDecoder`.
///
/// `reconcile` reads a million lines a run; decoding each with `JSONDecoder` would cost
/// more than the identify itself. This reader accepts exactly RFC 8259 JSON text in UTF-8:
/// no trailing commas, no comments, no byte order mark, no leading zeros, UTF-8 only (even in
/// nested strings it does not keep; UTF-16 and UTF-32 text is named as such). It hands each
/// member of the top-level object to a closure, and checks nested arrays and objects for
/// syntax without keeping them (a nested object's value is its byte range, which can be read
/// again with ``readObject(_:member:)``). An error in a member's value names the member.
///
/// A repeated key is reported each time (callers keep the first, as `JSONDecoder` does). A
/// number counts as an integer only when written as one (`12`, `-3`: no fraction, no
/// exponent, not `-0`) and it fits in `Int64`; any other number keeps its text.
struct JSONObjectReader {
    /// How deeply arrays and objects may nest, counting the top-level object as 1.
    static let depthLimit = 128

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Reads a line that must hold exactly one JSON object (whitespace around it allowed).
    ///
    /// - Parameters:
    ///   - bytes: The line, without its newline.
    ///   - member: Called with each member's key and value, in order.
    /// - Throws: ``JSONSyntaxError``; `member` may have been called for earlier members.
    static func readObject(
        _ bytes: UnsafeBufferPointer<UInt8>,
        member: (String, WireValue) -> Void
    ) throws(JSONSyntaxError) {
        var reader = JSONObjectReader(bytes)
        try checkEncoding(bytes)
        reader.skipWhitespace()
        guard let first = reader.peek() else { throw .syntax("expected a JSON object, found an empty line", offset: 0) }
        if first != UInt8(ascii: "{") {
            let value = try reader.readValue(depth: 1)
            try reader.expectEnd()
            throw .notAnObject(value.typeName)
        }
        reader.position += 1
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.position += 1
        } else {
            while true {
                guard reader.peek() == UInt8(ascii: "\"") else { throw reader.unexpected("a string key") }
                let keyOffset = reader.position
                guard let key = try reader.readString() else { throw .invalidUTF8(offset: keyOffset) }
                reader.skipWhitespace()
                guard reader.peek() == UInt8(ascii: ":") else { throw reader.unexpected("':'") }
                reader.position += 1
                reader.skipWhitespace()
                let value: WireValue
                do {
                    value = try reader.readValue(depth: 1)
                } catch {
                    throw error.inMember(key)
                }
                member(key, value)
                reader.skipWhitespace()
                if reader.peek() == UInt8(ascii: ",") {
                    try reader.skipComma(closer: UInt8(ascii: "}"))
                } else if reader.peek() == UInt8(ascii: "}") {
                    reader.position += 1
                    break
                } else {
                    throw reader.unexpected("',' or '}'")
                }
            }
        }
        try reader.expectEnd()
    }

    /// Refuses text that starts with a byte order mark or is not UTF-8 at all: JSON text
    /// exchanged between systems must be UTF-8 without a byte order mark (RFC 8259, section 8.1).
    private static func checkEncoding(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            throw .syntax("the text starts with a UTF-8 byte order mark, which JSON text must not have", offset: 0)
        }
        if bytes.count >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw .syntax("the text starts with a UTF-16 byte order mark; JSON text must be UTF-8", offset: 0)
        }
        // UTF-16 and UTF-32 text has a NUL byte beside every ASCII character; in UTF-8 JSON a
        // NUL byte is an error anywhere, so one among the first two bytes names the encoding.
        if bytes.count >= 2, let nul = bytes[0..<2].firstIndex(of: 0) {
            throw .syntax("a NUL byte: the text looks like UTF-16 or UTF-32; JSON text must be UTF-8", offset: nul)
        }
    }

    // MARK: - Values

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    private mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        if position < bytes.count { throw unexpected("the end of the line") }
    }

    /// Consumes the comma at `position` and the whitespace after it; a closing `closer` next
    /// is a trailing comma, which JSON does not allow.
    private mutating func skipComma(closer: UInt8) throws(JSONSyntaxError) {
        let comma = position
        position += 1
        skipWhitespace()
        if peek() == closer {
            throw .syntax(
                "a trailing comma before '\(Character(Unicode.Scalar(closer)))' is not allowed", offset: comma)
        }
    }

    private func unexpected(_ expected: String) -> JSONSyntaxError {
        guard let byte = peek() else {
            return .syntax("expected \(expected), found the end of the line", offset: position)
        }
        if byte == UInt8(ascii: "/") && position + 1 < bytes.count
            && (bytes[position + 1] == UInt8(ascii: "/") || bytes[position + 1] == UInt8(ascii: "*"))
        {
            return .syntax("comments are not allowed in JSON", offset: position)
        }
        let found =
            (0x21..<0x7F).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
        return .syntax("expected \(expected), found \(found)", offset: position)
    }

    /// Reads any value; `depth` is the nesting depth of the container holding it.
    private mutating func readValue(depth: Int) throws(JSONSyntaxError) -> WireValue {
        guard let byte = peek() else { throw unexpected("a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return try readString().map(WireValue.string) ?? .invalidUTF8String
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return .null
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let start = position
            try skipContainer(depth: depth + 1)
            return byte == UInt8(ascii: "[") ? .array : .object(start..<position)
        default:
            throw unexpected("a value")
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let start = position
        for expected in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard peek() == expected else {
                throw .syntax("expected '\(literal)'", offset: start)
            }
            position += 1
        }
    }

    /// Checks an array or object for syntax, starting at its opening bracket.
    private mutating func skipContainer(depth: Int) throws(JSONSyntaxError) {
        guard depth <= Self.depthLimit else { throw .tooDeep(limit: Self.depthLimit, offset: position) }
        let isObject = bytes[position] == UInt8(ascii: "{")
        let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        position += 1
        skipWhitespace()
        if peek() == closer {
            position += 1
            return
        }
        while true {
            if isObject {
                guard peek() == UInt8(ascii: "\"") else { throw unexpected("a string key") }
                let keyOffset = position
                guard try readString() != nil else { throw .invalidUTF8(offset: keyOffset) }
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw unexpected("':'") }
                position += 1
                skipWhitespace()
            }
            let valueOffset = position
            if case .invalidUTF8String = try readValue(depth: depth) { throw .invalidUTF8(offset: valueOffset) }
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                try skipComma(closer: closer)
            } else if peek() == closer {
                position += 1
                return
            } else {
                throw unexpected(isObject ? "',' or '}'" : "',' or ']'")
            }
        }
    }

    // MARK: - Numbers

    private mutating func readNumber() throws(JSONSyntaxError) -> WireValue {
        let start = position
        var isInteger = true
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
            if peekIsDigit() {
                throw .syntax(
                    "leading zeros are not allowed in a JSON number (send such a value as a string)", offset: start)
            }
        } else if peekIsDigit() {
            skipDigits()
        } else {
            throw unexpected("a digit")
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard peekIsDigit() else { throw unexpected("a digit") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard peekIsDigit() else { throw unexpected("a digit") }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        // `-0` is kept as text: as an integer it would lose its sign, and a value such as a
        // phone number must not read `-0` as `0`.
        if isInteger, text != "-0", let value = Int64(text) { return .integer(value) }
        return .number(text)
    }

    private func peekIsDigit() -> Bool {
        guard let byte = peek() else { return false }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func skipDigits() {
        while peekIsDigit() { position += 1 }
    }

    // MARK: - Strings

    /// Reads a string starting at its opening quote.
    ///
    /// - Returns: The unescaped string, or `nil` when its bytes are not valid UTF-8.
    private mutating func readString() throws(JSONSyntaxError) -> String? {
        position += 1
        let start = position
        // Fast path: no escapes, so the string is the bytes between the quotes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position - 1]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw .syntax("a control character must be escaped in a string", offset: position) }
            position += 1
        }
        var unescaped = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while true {
            guard let byte = peek() else { throw .syntax("unterminated string", offset: position) }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: unescaped, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape(into: &unescaped)
            case 0..<0x20:
                throw .syntax("a control character must be escaped in a string", offset: position - 1)
            default:
                unescaped.append(byte)
            }
        }
    }

    /// Reads the escape after a backslash and appends its UTF-8 bytes.
    private mutating func readEscape(into unescaped: inout [UInt8]) throws(JSONSyntaxError) {
        let escapeOffset = position - 1
        guard let byte = peek() else { throw .syntax("unterminated string", offset: position) }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(byte)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try readHex4()
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
                else { throw .syntax("a high surrogate escape is not followed by a low one", offset: escapeOffset) }
                position += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw .syntax("a high surrogate escape is not followed by a low one", offset: escapeOffset)
                }
                scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw .syntax("a low surrogate escape without a high one", offset: escapeOffset)
            }
            // Every value outside the surrogate range is a scalar.
            unescaped.append(contentsOf: Unicode.Scalar(scalarValue)!.utf8)
        default:
            throw .syntax("invalid escape in a string", offset: escapeOffset)
        }
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw .syntax("unterminated \\u escape", offset: position) }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .syntax("expected a hexadecimal digit in a \\u escape", offset: position)
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }
}
