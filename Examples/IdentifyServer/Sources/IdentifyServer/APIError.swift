import Hummingbird
import IdentityReconciliation
import NIOHTTP1

/// An error answered to the client as `{"error":{"code":…,"message":…,"field":…}}`.
///
/// Every failure a handler or middleware reports becomes one of these, so a client always
/// gets a JSON body with a stable ``code``; only failures of the server itself are 5xx.
struct APIError: HTTPResponseError, Equatable, CustomStringConvertible {
    /// The HTTP status of the response.
    var status: HTTPResponse.Status
    /// A stable, machine-readable code such as `invalid_email` or `payload_too_large`.
    var code: String
    /// A one-line English message naming what was wrong.
    var message: String
    /// The request field or query parameter at fault, when there is one.
    var field: String?
    /// Extra response headers (`Allow` for 405, `WWW-Authenticate` for 401).
    var headers: HTTPFields

    /// Creates an error response.
    init(
        _ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// `<status> <code>: <message>`, for logs.
    var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON response.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONBody.response(self, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension APIError: JSONWritable {
    /// `{"error":{"code":…,"message":…}}`, with `"field":…` after them when there is a field.
    func write(to json: inout [UInt8]) {
        json.append(contentsOf: #"{"error":{"code":"#.utf8)
        WireCodec.appendString(code, to: &json)
        json.append(contentsOf: #","message":"#.utf8)
        WireCodec.appendString(message, to: &json)
        if let field {
            json.append(contentsOf: #","field":"#.utf8)
            WireCodec.appendString(field, to: &json)
        }
        json.append(contentsOf: "}}".utf8)
    }
}

extension APIError {
    /// 400 for input the resolver refused, with the error's own code and field.
    init(_ error: InputError) {
        self.init(.badRequest, code: error.code, message: error.description, field: error.field)
    }

    /// 400 for a body the wire codec refused: a field of the wrong JSON type or with a bad
    /// value (not UTF-8, a negative or fractional phone number) with the code ``InputError``
    /// uses for the field (`invalid_email`, `invalid_phone_number`); anything else (not JSON,
    /// not an object) `invalid_json`, naming the member whose value is not JSON if one is.
    init(_ error: WireCodecError) {
        switch (error.code, error.field) {
        case (.invalidRequest, "email"?), (.invalidEmail, _):
            self.init(.badRequest, code: "invalid_email", message: error.message, field: "email")
        case (.invalidRequest, "phoneNumber"?), (.invalidPhoneNumber, _):
            self.init(.badRequest, code: "invalid_phone_number", message: error.message, field: "phoneNumber")
        case (.invalidRequest, nil):
            self = .invalidJSON("the body must be a JSON object")
        default:
            self = .invalidJSON(error.message, field: error.field)
        }
    }

    /// 400 for a body that is not the JSON the route expects; `field` names the member whose
    /// value is not JSON, when one is.
    static func invalidJSON(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "invalid_json", message: message, field: field)
    }

    /// 400 for a query or path parameter that is not what the route expects.
    static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message: "\(name) \(message)", field: name)
    }

    /// 404 for a path that no route serves.
    static func routeNotFound(_ request: Request) -> APIError {
        APIError(.notFound, code: "not_found", message: "no route for \(request.method) \(request.uri.path)")
    }

    /// 405 for a path served by a route, with another method.
    static func methodNotAllowed(_ request: Request, allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed, code: "method_not_allowed",
            message: "\(request.method) is not allowed on \(request.uri.path); use \(list)",
            headers: [.allow: list])
    }

    /// 401 for a destructive route asked without the admin token, with the `WWW-Authenticate` challenge.
    static func unauthorized(_ message: String, challenge: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: challenge])
    }

    /// 404 for a correction naming what no row holds, with the code and field of what it named.
    init(_ error: CorrectionError) {
        switch error {
        case .contactNotFound:
            self.init(.notFound, code: "contact_not_found", message: error.description, field: "id")
        case .emailNotFound:
            self.init(.notFound, code: "email_not_found", message: error.description, field: "email")
        case .phoneNumberNotFound:
            self.init(.notFound, code: "phone_number_not_found", message: error.description, field: "phoneNumber")
        }
    }

    /// 413 for a body over the route's limit.
    static func payloadTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", message: "the request body is larger than \(limit) bytes")
    }

    /// 400 for a body that ended early: the client half-closed or closed the connection before
    /// the announced `Content-Length` or the last chunk. The answer may reach nobody.
    static func incompleteBody() -> APIError {
        APIError(
            .badRequest, code: "incomplete_body",
            message: "the connection ended before the request body did (Content-Length or last chunk)")
    }

    /// 400 for a body whose framing the HTTP parser refused, such as a malformed chunk size.
    static func malformedBody(_ error: any Error) -> APIError {
        APIError(.badRequest, code: "malformed_body", message: "the request body's framing is invalid (\(error))")
    }

    /// 400 for a request the HTTP parser refused before its head was complete (not HTTP/1.1,
    /// a forbidden header combination, a head over the size limit); the connection is closed.
    static func malformedRequest(_ error: HTTPParserError) -> APIError {
        APIError(.badRequest, code: "malformed_request", message: "the request is not valid HTTP/1.1 (\(error))")
    }

    /// 415 for a body that is not declared as JSON.
    static func unsupportedMediaType(_ contentType: String?) -> APIError {
        let given = contentType.map { "'\($0)'" } ?? "no Content-Type"
        return APIError(
            .unsupportedMediaType, code: "unsupported_media_type",
            message: "the body must be application/json; got \(given)")
    }

    /// 500 for a failure of the server itself (its store); the details go to the log only.
    static let internalError = APIError(
        .internalServerError, code: "internal_error", message: "the server could not complete the request")
}
