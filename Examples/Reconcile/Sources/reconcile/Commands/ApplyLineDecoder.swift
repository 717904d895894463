import IdentityReconciliation

/// What one input line of `reconcile apply` asks for.
enum ApplyLine: Equatable {
    /// An identify request.
    case identify(IdentifyRequest)
    /// A correction.
    case correct(CorrectionRequest)
}

/// Turns one input line of `reconcile apply` into an ``ApplyLine``.
///
/// The line is an object whose `op` member says what to do:
/// - absent, `null` or `"identify"`: an identify request, read as
///   ``IdentityReconciliation/WireCodec/decodeRequest(_:)`` reads it (`email`, `phoneNumber`;
///   other members are ignored);
/// - `"delete"` or `"erase"` with an integer `id`;
/// - `"forget"` with exactly one of `email` (a string) and `phoneNumber` (a string or an integer).
///
/// A correction is destructive, so it takes only its own members: a `delete` with an email,
/// or a `forget` with an id, is refused rather than guessed at. For a repeated key the first
/// one counts, as for identify lines.
enum ApplyLineDecoder {
    /// The `op` values, in the order error messages list them.
    static let operations = ["identify", "delete", "forget", "erase"]

    /// Decodes a line (without its newline).
    ///
    /// - Throws: ``LineFailure`` with code `invalid_json` (not JSON), `invalid_request`
    ///   (JSON but not a request or correction), or the ``InputError`` code of a value whose
    ///   string is not valid UTF-8.
    static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(LineFailure) -> ApplyLine {
        var operation: WireValue?
        var id: WireValue?
        var email: WireValue?
        var phoneNumber: WireValue?
        do {
            try WireCodec.readObject(UnsafeRawBufferPointer(line)) { key, value in
                switch key {
                case "op" where operation == nil: operation = value
                case "id" where id == nil: id = value
                case "email" where email == nil: email = value
                case "phoneNumber" where phoneNumber == nil: phoneNumber = value
                default: break
                }
            }
        } catch {
            throw LineFailure(error)
        }
        let name: String
        switch operation {
        case nil, .null?: name = "identify"
        case .string(let text)? where operations.contains(text): name = text
        case .string(let text)?:
            throw invalid("op must be one of \(operations.joined(separator: ", ")), not \(text.debugDescription)")
        case let other?:
            throw invalid("op must be a string, not \(other.typeName)")
        }
        switch name {
        case "identify":
            return .identify(try request(email: email, phoneNumber: phoneNumber))
        case "forget":
            guard isAbsent(id) else { throw invalid("forget takes an email or a phoneNumber, not an id") }
            let request = try request(email: email, phoneNumber: phoneNumber)
            switch (request.email, request.phoneNumber) {
            case (let email?, nil): return .correct(.forgetEmail(email))
            case (nil, let phoneNumber?): return .correct(.forgetPhoneNumber(phoneNumber))
            default: throw invalid("forget needs exactly one of email and phoneNumber")
            }
        default:
            guard isAbsent(email) && isAbsent(phoneNumber) else {
                throw invalid("\(name) takes an id, not an email or a phoneNumber")
            }
            let contactID: Int
            switch id {
            case nil, .null?: throw invalid("\(name) needs an id")
            case .integer(let number)?: contactID = Int(number)
            case let other?:
                let found = if case .number(let text) = other { "the number \(text)" } else { other.typeName }
                throw invalid("id must be an integer, not \(found)")
            }
            return .correct(name == "delete" ? .delete(contactID: contactID) : .erase(contactID: contactID))
        }
    }

    private static func request(email: WireValue?, phoneNumber: WireValue?) throws(LineFailure) -> IdentifyRequest {
        do {
            return try WireCodec.request(email: email, phoneNumber: phoneNumber)
        } catch {
            throw LineFailure(error)
        }
    }

    private static func isAbsent(_ value: WireValue?) -> Bool {
        value == nil || value == .null
    }

    private static func invalid(_ message: String) -> LineFailure {
        LineFailure(code: "invalid_request", message: message)
    }
}
