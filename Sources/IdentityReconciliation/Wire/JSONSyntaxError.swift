/// Why bytes are not one JSON object the codec can read (internal: ``WireCodecError`` is what
/// callers see).
enum JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not JSON: what was expected and the 0-based byte offset.
    case syntax(String, offset: Int)
    /// A string or key is not valid UTF-8 (JSON text must be), at this byte offset.
    case invalidUTF8(offset: Int)
    /// Arrays and objects are nested deeper than the limit.
    case tooDeep(limit: Int)
    /// The text is valid JSON but not an object; the associated value names what it is.
    case notAnObject(String)

    var offset: Int? {
        switch self {
        case .syntax(_, let offset), .invalidUTF8(let offset): offset
        case .tooDeep, .notAnObject: nil
        }
    }

    var description: String {
        switch self {
        case .syntax(let message, let offset): "invalid JSON at byte \(offset): \(message)"
        case .invalidUTF8(let offset): "invalid JSON at byte \(offset): the text is not valid UTF-8"
        case .tooDeep(let limit): "invalid JSON: arrays and objects are nested deeper than \(limit) levels"
        case .notAnObject(let found): "the line is a JSON \(found), expected an object"
        }
    }
}
