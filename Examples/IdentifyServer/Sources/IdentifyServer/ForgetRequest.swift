import Hummingbird
import IdentityReconciliation

/// The body of `POST /forget`: `{"email":…}` or `{"phoneNumber":…}`, exactly one of them.
///
/// The fields decode as `POST /identify`'s do (``IdentityReconciliation/WireCodec``: `null`
/// is absent, `phoneNumber` may be a string or an integer), but a destructive request does
/// not guess: a body with both fields, neither, or any other member is refused.
struct ForgetRequest {
    /// The value to forget, as the client sent it (the resolver normalizes it).
    enum Value: Equatable {
        case email(String)
        case phoneNumber(String)
    }

    /// The two fields, decoded as `POST /identify` decodes them.
    private var fields: IdentifyRequest
    /// The body's members other than `email` and `phoneNumber`, in name order.
    private var unknownMembers: [String]

    /// Reads the body.
    ///
    /// - Throws: ``APIError`` 400 for a body that is not a JSON object or has a field of the
    ///   wrong type (see ``APIError/init(_:)-(WireCodecError)``).
    init(body: ByteBuffer) throws(APIError) {
        var email: WireValue?
        var phoneNumber: WireValue?
        var others: Set<String> = []
        let decoded = body.withUnsafeReadableBytes { bytes in
            Result { () throws(WireCodecError) in
                try WireCodec.readObject(bytes) { key, value in
                    switch key {
                    case "email": if email == nil { email = value }
                    case "phoneNumber": if phoneNumber == nil { phoneNumber = value }
                    default: others.insert(key)
                    }
                }
                return try WireCodec.request(email: email, phoneNumber: phoneNumber)
            }
        }
        fields = try decoded.mapError { APIError($0) }.get()
        unknownMembers = others.sorted()
    }

    /// The one value the body names.
    ///
    /// - Throws: ``APIError`` 400: `unknown_field` for another member, `missing_email_and_phone_number`
    ///   when neither field is given (or both are `null`), `both_email_and_phone_number` when both are.
    func value() throws(APIError) -> Value {
        if let member = unknownMembers.first {
            throw APIError(
                .badRequest, code: "unknown_field",
                message: "the body may only have email or phoneNumber; it has \(member.debugDescription)",
                field: member)
        }
        switch (fields.email, fields.phoneNumber) {
        case (let email?, nil): return .email(email)
        case (nil, let phoneNumber?): return .phoneNumber(phoneNumber)
        case (nil, nil):
            throw APIError(
                .badRequest, code: "missing_email_and_phone_number",
                message: "the body must have an email or a phoneNumber to forget")
        case (.some, .some):
            throw APIError(
                .badRequest, code: "both_email_and_phone_number",
                message: "the body must have either an email or a phoneNumber, not both; forget them one at a time")
        }
    }
}
