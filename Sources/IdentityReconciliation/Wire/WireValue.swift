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
    /// A number with an exact integer value that fits in `Int64`: `12`, `-3`, and also `1.0`
    /// or `1e2`, which `JSONDecoder` decodes as integers too.
    case integer(Int64)
    /// Any other number, as written.
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

    /// What an error message calls the value when it has the wrong type: `the number 1.5`
    /// for a number that is not an integer, else the ``typeName``.
    var foundDescription: String {
        if case .number(let text) = self { "the number \(text)" } else { typeName }
    }
}
