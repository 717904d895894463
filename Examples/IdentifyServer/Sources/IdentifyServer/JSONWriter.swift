import Hummingbird

/// A value that writes itself as JSON with its keys in a fixed order.
protocol JSONWritable {
    /// Writes the value as one JSON value.
    func write(to json: inout JSONWriter)
}

/// Writes compact JSON with keys in the order they are written.
///
/// `JSONEncoder` on Linux writes object keys in hash order, which changes from run to run;
/// the task's examples have a fixed key order (`primaryContatctId`, `emails`,
/// `phoneNumbers`, `secondaryContactIds`) and clients compare bodies byte for byte, so
/// the service writes its bodies itself. Slashes are not escaped, as in the task's examples.
struct JSONWriter {
    /// The JSON written so far.
    private(set) var buffer: ByteBuffer
    /// For each open object or array: whether it has an element yet (so the next needs a comma).
    private var hasElement: [Bool] = []
    /// Whether a key was just written, so the next value follows it without a comma.
    private var afterKey = false

    init(capacity: Int = 256) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        startValue()
        buffer.writeInteger(UInt8(ascii: "{"))
        hasElement.append(false)
    }

    mutating func endObject() {
        hasElement.removeLast()
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        startValue()
        buffer.writeInteger(UInt8(ascii: "["))
        hasElement.append(false)
    }

    mutating func endArray() {
        hasElement.removeLast()
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// Writes an object key; the next call writes its value.
    mutating func key(_ name: String) {
        separate()
        writeQuoted(name)
        buffer.writeInteger(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String?) {
        startValue()
        if let value { writeQuoted(value) } else { buffer.writeStaticString("null") }
    }

    mutating func integer(_ value: Int?) {
        startValue()
        if let value { buffer.writeString(String(value)) } else { buffer.writeStaticString("null") }
    }

    /// Writes `text`, which must already be one complete JSON value, as it is.
    mutating func rawValue(_ text: String) {
        startValue()
        buffer.writeString(text)
    }

    mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }

    mutating func array<Element>(_ elements: some Sequence<Element>, _ write: (inout JSONWriter, Element) -> Void) {
        beginArray()
        for element in elements { write(&self, element) }
        endArray()
    }

    private mutating func startValue() {
        if afterKey { afterKey = false } else { separate() }
    }

    private mutating func separate() {
        guard let last = hasElement.indices.last else { return }
        if hasElement[last] { buffer.writeInteger(UInt8(ascii: ",")) }
        hasElement[last] = true
    }

    /// A JSON string: `"` and `\` escaped, control characters as short escapes or `\u00XX`.
    private mutating func writeQuoted(_ text: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case 0x08: buffer.writeStaticString("\\b")
            case 0x0C: buffer.writeStaticString("\\f")
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0x0F)])
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
