import Hummingbird

/// Reading integer parameters from a request's query string and path, strictly.
///
/// Only plain decimal digits are accepted (no sign, no spaces, no exponent), each
/// parameter at most once, so that a typo is a 400 rather than a silently different page.
enum QueryParameter {
    /// The integer query parameter `name`, or `defaultValue` when absent.
    ///
    /// - Throws: ``APIError`` (`invalid_parameter`) when it is repeated, not an integer, or outside `range`.
    static func integer(
        _ name: String, in request: Request, default defaultValue: Int, range: ClosedRange<Int>
    ) throws(APIError) -> Int {
        let values = request.uri.queryParameters[values: Substring(name)]
        guard let text = values.first else { return defaultValue }
        guard values.count == 1 else { throw .invalidParameter(name, "is given more than once") }
        return try integer(name, text: text, range: range)
    }

    /// A path or query value parsed as an integer in `range`.
    ///
    /// - Throws: ``APIError`` (`invalid_parameter`) when it is not an integer in `range`.
    static func integer(_ name: String, text: Substring, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int(text), range.contains(value)
        else {
            let bounds =
                range.upperBound == .max
                ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw .invalidParameter(name, "must be an integer \(bounds); got '\(text.prefix(40))'")
        }
        return value
    }
}
