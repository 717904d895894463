/// Why ``WireCodec`` refused a request, a row or a link.
///
/// ``code`` says what kind of input was refused, ``field`` names the member at fault (when
/// one is), ``offset`` the byte where JSON text stops being JSON, and ``message`` is one
/// English sentence for a log or an error body. `reconcile` writes `code` and `message` as
/// they are; a server maps them onto its own error bodies.
public struct WireCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of input was refused. Its raw value is a stable, machine-readable code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The machine-readable code, such as `invalid_json`.
        public var rawValue: String

        /// Creates a code from its raw value.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// `invalid_json`: the bytes are not RFC 8259 JSON text in UTF-8 (a syntax error such
        /// as a trailing comma, a comment or a leading zero; a byte order mark; UTF-16 or
        /// UTF-32 text; text that is not UTF-8 outside a member's string value; nesting deeper
        /// than the limit). ``offset`` locates the problem, and ``field`` names the top-level
        /// member whose value holds it, if one does.
        public static let invalidJSON = Code(rawValue: "invalid_json")
        /// `invalid_request`: JSON, but not a request: not an object, or `email` or
        /// `phoneNumber` of the wrong type (``field`` names it; `nil` for not an object).
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// `invalid_email`: the request's `email` string is not valid UTF-8
        /// (``InputError/code`` of ``InputError/invalidEmail(reason:)``); ``field`` is `email`.
        public static let invalidEmail = Code(rawValue: InputError.invalidEmail(reason: .invalidUTF8).code)
        /// `invalid_phone_number`: the request's `phoneNumber` string is not valid UTF-8, or its
        /// number is not a non-negative integer written with digits only (`-1`, `1.0`, `1e3`),
        /// or is beyond 64 bits (``InputError/code`` of ``InputError/invalidPhoneNumber(reason:)``);
        /// ``field`` is `phoneNumber`.
        public static let invalidPhoneNumber = Code(
            rawValue: InputError.invalidPhoneNumber(reason: .invalidUTF8).code)
        /// `invalid_row`: JSON, but not a row: not an object, or a column missing, of the
        /// wrong type or with a value no row has (``field`` names the column).
        public static let invalidRow = Code(rawValue: "invalid_row")
        /// `invalid_link`: an export line's `link` member is not a link (``field`` names the
        /// member at fault).
        public static let invalidLink = Code(rawValue: "invalid_link")

        /// The raw value.
        public var description: String { rawValue }
    }

    /// What kind of input was refused.
    public var code: Code
    /// One English sentence saying what is wrong, naming the member and the byte offset
    /// where there is one, such as `invalid JSON at byte 9: expected a value, found '}'`.
    public var message: String
    /// The member at fault, as the wire format spells it (`email`, `linkedId`), or `nil`
    /// when the input as a whole is at fault. For ``Code/invalidJSON``, the top-level member
    /// whose value is not JSON, if the problem lies in one.
    public var field: String?
    /// The 0-based byte offset where the text stops being JSON, for ``Code/invalidJSON``;
    /// otherwise `nil`.
    public var offset: Int?

    /// Creates an error.
    public init(code: Code, message: String, field: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.offset = offset
    }

    /// `<code>: <message>`.
    public var description: String { "\(code): \(message)" }

    /// The error for bytes that are not a JSON object; `notAnObject` is the code for JSON
    /// text of another type.
    init(_ error: JSONSyntaxError, notAnObject: Code) {
        switch error.reason {
        case .notAnObject: self.init(code: notAnObject, message: error.description)
        default: self.init(code: .invalidJSON, message: error.description, field: error.member, offset: error.offset)
        }
    }
}
