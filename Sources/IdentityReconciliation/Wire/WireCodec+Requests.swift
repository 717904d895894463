extension WireCodec {
    /// Reads a `POST /identify` body, or one request line of `reconcile identify`.
    ///
    /// Accepts one RFC 8259 JSON object in UTF-8 (no byte order mark, trailing comma or
    /// comment) whose `email` is a string or `null` and whose `phoneNumber` is a string, a
    /// non-negative integer written with digits only (kept as its decimal digits) or `null`,
    /// each possibly absent; other members are ignored, and for a repeated key the first one
    /// counts. ``IdentifyRequest``'s `Decodable` conformance accepts the same from
    /// `JSONDecoder`, except what `JSONDecoder` cannot tell apart (it reads `1.0` and `1e2` as
    /// integers, and takes a byte order mark and trailing commas). The body clients
    /// nearly always send (`{"email":"…","phoneNumber":"…"}`, strings without escapes) is read
    /// in one pass; any other goes through ``readObject(_:member:)``, with the same result
    /// for a body both accept. The values are raw: ``IdentityResolver`` normalizes them.
    ///
    /// - Parameter bytes: The body, or the line without its newline.
    /// - Throws: ``WireCodecError``: ``WireCodecError/Code/invalidJSON`` for text that is not
    ///   JSON (naming the member whose value breaks the syntax, if one does),
    ///   ``WireCodecError/Code/invalidRequest`` for JSON that is not an object or a member of
    ///   the wrong type (``WireCodecError/field`` names it), and
    ///   ``WireCodecError/Code/invalidEmail`` or ``WireCodecError/Code/invalidPhoneNumber``
    ///   for a string that is not valid UTF-8, or a `phoneNumber` number that is negative,
    ///   has a fraction or an exponent, or is beyond 64 bits.
    public static func decodeRequest(_ bytes: UnsafeRawBufferPointer) throws(WireCodecError) -> IdentifyRequest {
        // Typed bytes: `String(validating:)` takes its fast path on them.
        if let request = bytes.withMemoryRebound(to: UInt8.self, simpleRequest) { return request }
        var email: WireValue?
        var phoneNumber: WireValue?
        try readObject(bytes, notAnObject: .invalidRequest) { key, value in
            switch key {
            case "email" where email == nil: email = value
            case "phoneNumber" where phoneNumber == nil: phoneNumber = value
            default: break
            }
        }
        return try request(email: email, phoneNumber: phoneNumber)
    }

    /// Reads bytes that must hold exactly one RFC 8259 JSON object in UTF-8 (whitespace around
    /// it allowed; no byte order mark), handing each member to `member` in order.
    ///
    /// For a body with members of the caller's own (an operation name, an id), or to refuse
    /// unknown members. A repeated key is handed over each time (keep the first, as
    /// `JSONDecoder` does); a nested object's value is its byte range within `bytes`.
    ///
    /// - Throws: ``WireCodecError`` with code ``WireCodecError/Code/invalidJSON`` for text that
    ///   is not JSON (``WireCodecError/field`` names the member whose value breaks the syntax,
    ///   if one does), or ``WireCodecError/Code/invalidRequest`` for JSON of another type than
    ///   an object; `member` may have been called for earlier members.
    public static func readObject(
        _ bytes: UnsafeRawBufferPointer,
        member: (String, WireValue) -> Void
    ) throws(WireCodecError) {
        try readObject(bytes, notAnObject: .invalidRequest, member: member)
    }

    /// Builds a request from the values of a body's `email` and `phoneNumber` members (`nil`
    /// when absent), as ``decodeRequest(_:)`` does after ``readObject(_:member:)``.
    ///
    /// - Throws: ``WireCodecError`` with code ``WireCodecError/Code/invalidRequest`` for a
    ///   member of the wrong type, ``WireCodecError/Code/invalidEmail`` or
    ///   ``WireCodecError/Code/invalidPhoneNumber`` for a string that is not valid UTF-8, and
    ///   ``WireCodecError/Code/invalidPhoneNumber`` for a `phoneNumber` number that is not a
    ///   non-negative integer written with digits only, or is beyond 64 bits.
    public static func request(email: WireValue?, phoneNumber: WireValue?) throws(WireCodecError) -> IdentifyRequest {
        var request = IdentifyRequest(email: nil, phoneNumber: nil)
        switch email {
        case nil, .null?: break
        case .string(let text)?: request.email = text
        case .invalidUTF8String?:
            let error = InputError.invalidEmail(reason: .invalidUTF8)
            throw WireCodecError(code: .invalidEmail, message: error.description, field: error.field)
        case let other?:
            throw WireCodecError(
                code: .invalidRequest, message: "email must be a string or null, not \(other.typeName)",
                field: "email")
        }
        switch phoneNumber {
        case nil, .null?: break
        case .string(let text)?: request.phoneNumber = text
        case let number? where number.isNumber:
            switch phoneNumberDigits(number, field: "phoneNumber") {
            case .success(let digits): request.phoneNumber = digits
            case .failure(let problem):
                throw WireCodecError(code: .invalidPhoneNumber, message: problem.message, field: "phoneNumber")
            }
        case .invalidUTF8String?:
            let error = InputError.invalidPhoneNumber(reason: .invalidUTF8)
            throw WireCodecError(code: .invalidPhoneNumber, message: error.description, field: error.field)
        case let other?:
            throw WireCodecError(
                code: .invalidRequest,
                message: "phoneNumber must be a string, an integer or null, not \(other.foundDescription)",
                field: "phoneNumber")
        }
        return request
    }

    /// A message saying why a JSON number is not a phone number.
    struct PhoneNumberProblem: Error, Equatable {
        var message: String
    }

    /// The decimal digits of a phone number sent as a JSON number, or why the number is not
    /// one: a phone number is a non-negative integer written with digits only (no sign,
    /// fraction or exponent: `-123456`, `1.0` and `1.5e3` are refused rather than read as
    /// `123456`, `1` and `1500`), and one sent as a number must fit in 64 bits.
    static func phoneNumberDigits(_ number: WireValue, field: String) -> Result<String, PhoneNumberProblem> {
        switch number {
        case .integer(let value) where value >= 0:
            return .success(String(value))
        case .number(let text) where !text.contains(where: { "-.eE".contains($0) }):
            return .failure(
                PhoneNumberProblem(
                    message: "\(field) \(WireValue.shown(text)) is larger than a 64-bit integer can be "
                        + "(9223372036854775807); send it as a string"))
        case .integer(let value):
            return .failure(PhoneNumberProblem(message: notDigitsOnly(field, String(value))))
        case .number(let text):
            return .failure(PhoneNumberProblem(message: notDigitsOnly(field, WireValue.shown(text))))
        default:
            return .failure(PhoneNumberProblem(message: "\(field) must be a number, not \(number.typeName)"))
        }
    }

    private static func notDigitsOnly(_ field: String, _ shown: String) -> String {
        "\(field) must be a non-negative integer written with digits only (no sign, fraction or exponent), not \(shown)"
    }

    /// ``readObject(_:member:)`` with the code for JSON that is not an object.
    static func readObject(
        _ bytes: UnsafeRawBufferPointer, notAnObject: WireCodecError.Code,
        member: (String, WireValue) -> Void
    ) throws(WireCodecError) {
        do {
            try bytes.withMemoryRebound(to: UInt8.self) { buffer throws(JSONSyntaxError) in
                try JSONObjectReader.readObject(buffer, member: member)
            }
        } catch {
            throw WireCodecError(error, notAnObject: notAnObject)
        }
    }

    /// The request, when `bytes` hold one JSON object whose members are only `"email"` and
    /// `"phoneNumber"`, each at most once, each a string in valid UTF-8 without escapes or
    /// control characters, with only JSON whitespace around the tokens; otherwise `nil`
    /// (the general reader then decides).
    static func simpleRequest(_ bytes: UnsafeBufferPointer<UInt8>) -> IdentifyRequest? {
        var reader = SimpleReader(bytes: bytes)
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        var email: String?
        var phoneNumber: String?
        var sawEmail = false
        var sawPhoneNumber = false
        if !reader.take(UInt8(ascii: "}")) {
            while true {
                guard let key = reader.string(), reader.take(UInt8(ascii: ":")),
                    let value = reader.string(),
                    let text = String(validating: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)
                else { return nil }
                if !sawEmail && bytes[key].elementsEqual("email".utf8) {
                    sawEmail = true
                    email = text
                } else if !sawPhoneNumber && bytes[key].elementsEqual("phoneNumber".utf8) {
                    sawPhoneNumber = true
                    phoneNumber = text
                } else {
                    return nil
                }
                if reader.take(UInt8(ascii: ",")) { continue }
                guard reader.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        reader.skipWhitespace()
        guard reader.isAtEnd else { return nil }
        return IdentifyRequest(email: email, phoneNumber: phoneNumber)
    }

    /// A cursor over a simple request's bytes.
    private struct SimpleReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
                default: return
                }
            }
        }

        /// Skips whitespace, then consumes `byte` if it comes next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// Skips whitespace, then consumes a string without escapes or control characters and
        /// returns the range of its contents; `nil` otherwise.
        mutating func string() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }
    }
}
