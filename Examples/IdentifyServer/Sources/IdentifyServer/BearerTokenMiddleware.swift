import Hummingbird

/// Lets a request through only when it carries the admin token as `Authorization: Bearer <token>`.
///
/// Added to the route group of the destructive routes, so it runs before their handlers read
/// anything: a request without the token is a 401 `unauthorized` with a `WWW-Authenticate: Bearer`
/// challenge (RFC 6750: with `error="invalid_token"` when a bearer token was given but is wrong),
/// whatever its path parameters or body. The scheme is matched case-insensitively; the token
/// exactly, in constant time (``AdminToken``).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AdminToken

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let headers = request.headers[values: .authorization]
        guard headers.count == 1, let presented = Self.bearerToken(in: headers[0]) else {
            throw APIError.unauthorized(
                "this route needs the admin token as Authorization: Bearer <token>", challenge: "Bearer")
        }
        guard token.matches(presented) else {
            throw APIError.unauthorized(
                "the bearer token is not the admin token", challenge: #"Bearer error="invalid_token""#)
        }
        return try await next(request, context)
    }

    /// The credentials of a `Bearer` authorization (`Bearer`, any case, then spaces, then the
    /// token); `nil` for another scheme or an empty token.
    static func bearerToken(in authorization: String) -> Substring? {
        let scheme = "bearer"
        guard authorization.prefix(scheme.count).lowercased() == scheme,
            authorization.dropFirst(scheme.count).first == " "
        else { return nil }
        let token = authorization.dropFirst(scheme.count).drop { $0 == " " }
        return token.isEmpty ? nil : token
    }
}
