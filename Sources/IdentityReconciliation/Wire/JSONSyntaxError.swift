/// Why bytes are not one JSON object the codec can read (internal: ``WireCodecError`` is what
/// callers see).
struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    enum Reason: Equatable {
        /// The bytes are not JSON: what was expected or what is not allowed.
        case syntax(String)
        /// A string or key is not valid UTF-8 (JSON text must be).
        case invalidUTF8
        /// Arrays and objects are nested deeper than the limit.
        case tooDeep(limit: Int)
        /// The text is valid JSON but not an object; the associated value names what it is.
        case notAnObject(String)
    }

    /// What is wrong.
    var reason: Reason
    /// The 0-based byte offset of the problem, when it has one place.
    var offset: Int?
    /// The key of the top-level member whose value holds the problem, when there is one.
    var member: String?

    static func syntax(_ message: String, offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(reason: .syntax(message), offset: offset)
    }

    static func invalidUTF8(offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(reason: .invalidUTF8, offset: offset)
    }

    static func tooDeep(limit: Int, offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(reason: .tooDeep(limit: limit), offset: offset)
    }

    static func notAnObject(_ found: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: .notAnObject(found))
    }

    /// The same error, located in the value of the top-level member `key`.
    func inMember(_ key: String) -> JSONSyntaxError {
        var error = self
        error.member = key
        return error
    }

    /// `invalid JSON at byte 15 (in phoneNumber): leading zeros are not allowed in a JSON number`.
    var description: String {
        let place = (offset.map { " at byte \($0)" } ?? "") + (member.map { " (in \($0))" } ?? "")
        switch reason {
        case .syntax(let message): return "invalid JSON\(place): \(message)"
        case .invalidUTF8: return "invalid JSON\(place): the text is not valid UTF-8"
        case .tooDeep(let limit):
            return "invalid JSON\(place): arrays and objects are nested deeper than \(limit) levels"
        case .notAnObject(let found): return "the line is a JSON \(found), expected an object"
        }
    }
}
