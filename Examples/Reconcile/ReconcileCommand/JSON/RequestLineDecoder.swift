import IdentityReconciliation

/// Turns one input line of `reconcile identify` into an ``IdentifyRequest``.
///
/// Accepts what ``IdentifyRequest``'s `Decodable` conformance accepts: an object whose
/// `email` is a string or `null` and whose `phoneNumber` is a string, an integer or
/// `null`, each possibly absent; other members are ignored, and for a repeated key the
/// first one counts.
enum RequestLineDecoder {
    /// Decodes a line (without its newline).
    ///
    /// - Throws: ``LineFailure`` with code `invalid_json` (not JSON), `invalid_request`
    ///   (JSON but not a request), or the ``InputError`` code of a field whose string is not
    ///   valid UTF-8.
    static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(LineFailure) -> IdentifyRequest {
        var email: JSONValue?
        var phoneNumber: JSONValue?
        do {
            try JSONObjectReader.readObject(line) { key, value in
                switch key {
                case "email" where email == nil: email = value
                case "phoneNumber" where phoneNumber == nil: phoneNumber = value
                default: break
                }
            }
        } catch {
            throw LineFailure(code: error.code, message: error.description)
        }
        return try request(email: email, phoneNumber: phoneNumber)
    }

    /// Builds a request from the values of a line's `email` and `phoneNumber` members (`nil`
    /// when absent).
    ///
    /// - Throws: ``LineFailure`` with code `invalid_request` for a member of the wrong type,
    ///   or the ``InputError`` code of a string that is not valid UTF-8.
    static func request(email: JSONValue?, phoneNumber: JSONValue?) throws(LineFailure) -> IdentifyRequest {
        var request = IdentifyRequest(email: nil, phoneNumber: nil)
        switch email {
        case nil, .null?: break
        case .string(let text)?: request.email = text
        case .invalidUTF8String?: throw LineFailure(InputError.invalidEmail(reason: .invalidUTF8))
        case let other?:
            throw LineFailure(code: "invalid_request", message: "email must be a string or null, not \(other.typeName)")
        }
        switch phoneNumber {
        case nil, .null?: break
        case .string(let text)?: request.phoneNumber = text
        case .integer(let number)?: request.phoneNumber = String(number)
        case .invalidUTF8String?: throw LineFailure(InputError.invalidPhoneNumber(reason: .invalidUTF8))
        case let other?:
            let found = if case .number(let text) = other { "the number \(text)" } else { other.typeName }
            throw LineFailure(
                code: "invalid_request", message: "phoneNumber must be a string, an integer or null, not \(found)")
        }
        return request
    }
}

/// Why one input line produced an error line instead of a result.
struct LineFailure: Error, Equatable, CustomStringConvertible {
    /// The machine-readable code written to the error line.
    var code: String
    /// The sentence written to the error line.
    var message: String

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The failure for a request the resolver's policy refused.
    init(_ error: InputError) {
        self.init(code: error.code, message: error.description)
    }

    var description: String { "\(code): \(message)" }
}
