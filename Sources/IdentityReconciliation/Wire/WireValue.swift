/// The value of one member of a JSON object, as far as ``WireCodec`` looks into it.
///
/// ``WireCodec/readObject(_:member:)`` hands each member of a request line or body to its
/// caller as one of these, so that a caller can read members the codec does not know (an
/// operation name, an id) and refuse unknown ones. Nested arrays are checked for syntax but
/// not kept; nested objects are checked and located, and can be read again with
/// ``WireCodec/readObject(_:member:)`` over their byte range.
public enum WireValue: Sendable, Hashable {
    /// A string, unescaped.
    case string(String)
    /// A string whose bytes are not valid UTF-8, kept apart so that the member can be named in
    /// the error (or ignored, when the caller does not read it).
    case invalidUTF8String
    /// A number written as an integer (optional `-`, digits, no fraction or exponent) that
    /// fits in `Int64`: `12`, `-3`. Not `-0`, which is a ``number(_:)`` so that its sign is kept.
    case integer(Int64)
    /// Any other number, as written: `1.5`, `1.0`, `1e2`, `-0`, or an integer beyond `Int64`.
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array; its contents are checked for syntax but not kept.
    case array
    /// An object: the byte offsets of its text, braces included, within the bytes read.
    case object(Range<Int>)

    /// The JSON type's name, for error messages: `string`, `number`, `boolean`, `null`,
    /// `array` or `object`.
    public var typeName: String {
        switch self {
        case .string, .invalidUTF8String: "string"
        case .integer, .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Whether the value is a JSON number (``integer(_:)`` or ``number(_:)``).
    var isNumber: Bool {
        switch self {
        case .integer, .number: true
        default: false
        }
    }

    /// What an error message calls the value when it has the wrong type: `the number 1.5`
    /// for a number that is not an integer, else the ``typeName``.
    var foundDescription: String {
        if case .number(let text) = self { "the number \(Self.shown(text))" } else { typeName }
    }

    /// A number's text as an error message shows it: whole when short, else its start and its
    /// length, so that a megabyte of digits does not end up in a log line.
    static func shown(_ number: String) -> String {
        number.utf8.count <= 32 ? number : "\(number.prefix(20))… (\(number.utf8.count) characters)"
    }
}
