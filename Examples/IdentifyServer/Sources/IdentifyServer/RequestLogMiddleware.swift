import Hummingbird
import Logging

/// Logs one structured line per request: method, path, status, duration and, on failure, the error code.
///
/// Hummingbird already puts the request id (`hb.request.id`) in the logger's metadata.
/// Successes and client errors log at `info`, server errors at `error`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context: context, status: response.status, code: nil, since: start)
            return response
        } catch let error as APIError {
            log(request, context: context, status: error.status, code: error.code, since: start)
            throw error
        }
    }

    private func log(
        _ request: Request, context: Context, status: HTTPResponse.Status, code: String?,
        since start: ContinuousClock.Instant
    ) {
        let level: Logger.Level = status.kind == .serverError ? .error : .info
        // Building the metadata costs more than the request itself when the line is dropped anyway.
        guard context.logger.logLevel <= level else { return }
        let elapsed = (ContinuousClock.now - start).components
        let milliseconds = Double(elapsed.seconds) * 1_000 + Double(elapsed.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "http.method": "\(request.method.rawValue)",
            "http.path": "\(request.uri.path)",
            "http.status": "\(status.code)",
            "duration_ms": "\((milliseconds * 1_000).rounded() / 1_000)",
        ]
        if let code { metadata["error.code"] = "\(code)" }
        context.logger.log(level: level, "request", metadata: metadata)
    }
}
