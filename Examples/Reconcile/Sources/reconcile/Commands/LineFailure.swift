import IdentityReconciliation

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

    /// The failure for a line the codec refused, with its code and message.
    init(_ error: WireCodecError) {
        self.init(code: error.code.rawValue, message: error.message)
    }

    /// The failure for a request the resolver's policy refused.
    init(_ error: InputError) {
        self.init(code: error.code, message: error.description)
    }

    /// The failure for a correction that found nothing to correct.
    init(_ error: CorrectionError) {
        switch error {
        case .contactNotFound: self.init(code: "contact_not_found", message: error.description)
        case .emailNotFound: self.init(code: "email_not_found", message: error.description)
        case .phoneNumberNotFound: self.init(code: "phone_number_not_found", message: error.description)
        }
    }

    /// The failure for an error that refuses one request or correction (``InputError``,
    /// ``CorrectionError``), or `nil` for any other error (a store's), which stops a command.
    init?(refusal error: any Error) {
        switch error {
        case let error as InputError: self.init(error)
        case let error as CorrectionError: self.init(error)
        default: return nil
        }
    }

    /// The failure for a line longer than ``LineReader``'s limit.
    static let lineTooLong = LineFailure(code: "line_too_long", message: "the line is longer than 1048576 bytes")

    var description: String { "\(code): \(message)" }

    /// Appends the error line's body for input line `line`,
    /// `{"error":{"line":N,"code":"…","message":"…"}}`.
    func append(line: Int, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"error":{"line":"#.utf8)
        WireCodec.appendInteger(line, to: &output)
        output.append(contentsOf: #","code":"#.utf8)
        WireCodec.appendString(code, to: &output)
        output.append(contentsOf: #","message":"#.utf8)
        WireCodec.appendString(message, to: &output)
        output.append(contentsOf: "}}".utf8)
    }
}
