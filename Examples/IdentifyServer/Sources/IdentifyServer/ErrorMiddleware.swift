import Hummingbird
import Logging

/// Turns every error into an ``APIError`` so each failure gets a JSON body.
///
/// - The router's own 404 becomes 405 (with `Allow`) when the path is served with another
///   method, otherwise a JSON 404.
/// - Hummingbird's own 4xx errors keep their status.
/// - Anything else is the server's own failure (the store): logged here with its details and
///   answered as a 500 `internal_error`, so no internal detail reaches the client.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes the router serves, for the 405's `Allow` list.
    let routes: [Route]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = Route.allowedMethods(forPath: request.uri.path, in: routes)
            throw allowed.isEmpty
                ? APIError.routeNotFound(request) : APIError.methodNotAllowed(request, allowed: allowed)
        } catch let error as any HTTPResponseError where error.status.kind == .clientError {
            throw APIError(
                error.status, code: "bad_request", message: error.status.reasonPhrase.lowercased())
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError.internalError
        }
    }
}
