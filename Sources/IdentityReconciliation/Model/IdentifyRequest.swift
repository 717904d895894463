/// The body of the task's `POST /identify` request: an email, a phone number, or both.
///
/// Decoding accepts each field as absent or `null`, and `phoneNumber` as a JSON string
/// or a non-negative JSON integer (kept as its decimal digits), as the task's clients send
/// both. ``WireCodec/decodeRequest(_:)`` is the strict reader every entry point uses; this
/// conformance accepts the same, except what `JSONDecoder` hides from it: `1.0`, `1e2` and
/// `-0` arrive as the integers 1, 100 and 0, and a byte order mark or a trailing comma is
/// taken by `JSONDecoder` itself.
/// The values are raw: ``IdentityResolver`` normalizes and validates them with its
/// ``NormalizationPolicy``.
public struct IdentifyRequest: Sendable, Hashable, Codable {
    /// The email as the client sent it, or `nil`.
    public var email: String?
    /// The phone number as the client sent it, or `nil`.
    public var phoneNumber: String?

    /// Creates a request from raw values.
    public init(email: String?, phoneNumber: String?) {
        self.email = email
        self.phoneNumber = phoneNumber
    }

    private enum CodingKeys: String, CodingKey {
        case email
        case phoneNumber
    }

    /// Decodes a request, accepting `phoneNumber` as a string or an integer.
    ///
    /// - Throws: `DecodingError` when a field has another JSON type (for example a
    ///   fractional number, a boolean, an array or an object), or `phoneNumber` is a negative
    ///   integer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        if try !container.contains(.phoneNumber) || container.decodeNil(forKey: .phoneNumber) {
            phoneNumber = nil
        } else if let text = try? container.decode(String.self, forKey: .phoneNumber) {
            phoneNumber = text
        } else if let number = try? container.decode(Int64.self, forKey: .phoneNumber) {
            guard number >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .phoneNumber, in: container,
                    debugDescription:
                        "phoneNumber must be a non-negative integer written with digits only, not \(number)")
            }
            phoneNumber = String(number)
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                DecodingError.Context(
                    codingPath: container.codingPath + [CodingKeys.phoneNumber],
                    debugDescription: "phoneNumber must be a string, an integer or null"
                )
            )
        }
    }

    /// Encodes the request with `null` for absent fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(email, forKey: .email)
        try container.encode(phoneNumber, forKey: .phoneNumber)
    }
}
