/// The value of one member of a JSON object, as far as the tool looks into it.
///
/// Nested arrays are checked for syntax but not kept. Nested objects are checked and
/// located: a caller that needs one (the `{"link":{…}}` lines of an export) reads it again
/// with ``JSONObjectReader``.
enum JSONValue: Equatable {
    /// A string, unescaped.
    case string(String)
    /// A string whose bytes are not valid UTF-8 (kept apart so the field can be named in the error).
    case invalidUTF8String
    /// A number with an exact integer value that fits in `Int64` (`12`, `-3`, and also `1.0` or `1e2`).
    case integer(Int64)
    /// Any other number, as written.
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array (contents not kept).
    case array
    /// An object: the byte offsets of its text, braces included, within the line read.
    case object(Range<Int>)

    /// The JSON type's name, for error messages.
    var typeName: String {
        switch self {
        case .string, .invalidUTF8String: "string"
        case .integer, .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .array: "array"
        case .object: "object"
        }
    }
}
