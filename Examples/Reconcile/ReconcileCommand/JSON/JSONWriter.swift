import IdentityReconciliation

/// Appends JSON to a byte buffer, byte for byte as `JSONEncoder` with
/// `.withoutEscapingSlashes` writes it, without going through `Encodable`.
///
/// Strings escape `"` and `\`, write `\b \t \n \f \r` for those controls and `\u00xx`
/// (lowercase hex) for the other C0 controls, and keep everything else (including `/`,
/// DEL and non-ASCII) as UTF-8.
enum JSONWriter {
    /// Appends a JSON string literal.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            output.append(UInt8(ascii: "\""))
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                default:
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    output.append(hexDigit(byte >> 4))
                    output.append(hexDigit(byte & 0xF))
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            output.append(UInt8(ascii: "\""))
        }
    }

    /// Appends an integer in decimal.
    static func appendInteger(_ value: Int, to output: inout [UInt8]) {
        if value < 0 {
            output.append(UInt8(ascii: "-"))
            // `value.magnitude` also covers `Int.min`.
            appendUnsigned(value.magnitude, to: &output)
        } else {
            appendUnsigned(UInt(value), to: &output)
        }
    }

    /// Appends literal ASCII text such as punctuation and keys.
    static func appendRaw(_ text: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `[…]` of JSON strings.
    static func appendStrings(_ strings: [String], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendString(string, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// Appends `[…]` of integers.
    static func appendIntegers(_ values: [Int], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendInteger(value, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// Appends the task's response body, `{"contact":{"primaryContatctId":…,…}}`.
    static func appendResponse(_ contact: ConsolidatedContact, to output: inout [UInt8]) {
        appendRaw(#"{"contact":"#, to: &output)
        appendContact(contact, to: &output)
        output.append(UInt8(ascii: "}"))
    }

    /// Appends what a correction left, `{"contacts":[{"primaryContatctId":…,…},…]}`: each
    /// element is the response body's inner object, in the given order.
    static func appendCorrection(_ contacts: [ConsolidatedContact], to output: inout [UInt8]) {
        appendRaw(#"{"contacts":["#, to: &output)
        for (index, contact) in contacts.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendContact(contact, to: &output)
        }
        appendRaw("]}", to: &output)
    }

    /// Appends the response body's inner object, `{"primaryContatctId":…,"emails":…,…}`
    /// (the task's spelling of `primaryContatctId`).
    static func appendContact(_ contact: ConsolidatedContact, to output: inout [UInt8]) {
        appendRaw(#"{"primaryContatctId":"#, to: &output)
        appendInteger(contact.primaryContactID, to: &output)
        appendRaw(#","emails":"#, to: &output)
        appendStrings(contact.emails, to: &output)
        appendRaw(#","phoneNumbers":"#, to: &output)
        appendStrings(contact.phoneNumbers, to: &output)
        appendRaw(#","secondaryContactIds":"#, to: &output)
        appendIntegers(contact.secondaryContactIDs, to: &output)
        output.append(UInt8(ascii: "}"))
    }

    /// Appends an error line's body, `{"error":{"line":N,"code":"…","message":"…"}}`.
    static func appendError(line: Int, code: String, message: String, to output: inout [UInt8]) {
        appendRaw(#"{"error":{"line":"#, to: &output)
        appendInteger(line, to: &output)
        appendRaw(#","code":"#, to: &output)
        appendString(code, to: &output)
        appendRaw(#","message":"#, to: &output)
        appendString(message, to: &output)
        appendRaw("}}", to: &output)
    }

    private static func appendUnsigned(_ value: UInt, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt.max's 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
