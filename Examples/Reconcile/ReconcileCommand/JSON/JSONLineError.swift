/// Why one line is not a JSON object the tool can read.
enum JSONLineError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not JSON: what was expected and the 0-based byte offset in the line.
    case syntax(String, offset: Int)
    /// A string or key is not valid UTF-8 (JSON text must be), at this byte offset.
    case invalidUTF8(offset: Int)
    /// Arrays and objects are nested deeper than the limit.
    case tooDeep(limit: Int)
    /// The line is valid JSON but not an object; the associated value names what it is.
    case notAnObject(String)

    /// `invalid_json` for text that is not JSON, `invalid_request` for JSON that is not an object.
    var code: String {
        switch self {
        case .syntax, .invalidUTF8, .tooDeep: "invalid_json"
        case .notAnObject: "invalid_request"
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
