public import Hummingbird
import HummingbirdCore
public import IdentityReconciliation
public import Logging

/// Builds the identify service: the task's `POST /identify` and the read-only routes around it.
///
/// ```swift
/// let resolver = IdentityResolver(store: InMemoryContactStore())
/// let app = IdentifyApp.makeApplication(resolver: resolver, host: "127.0.0.1", port: 8080, logger: logger)
/// try await app.runService()   // until SIGINT or SIGTERM
/// ```
///
/// The routes are `POST /identify`, `GET /contacts`, `GET /contacts/{id}`, `GET /health` and
/// `GET /openapi.yaml`, and with an ``AdminToken`` the corrections `DELETE /contacts/{id}`,
/// `POST /forget` and `POST /contacts/{id}/erase` and the views of the whole graph
/// `GET /contacts/{id}/explain` and `GET /report`, all described in `openapi.yaml`. Every error
/// is a JSON body `{"error":{"code":…,"message":…}}`; only failures of the store are 5xx.
public enum IdentifyApp {
    /// The router with every route, request logging and JSON errors.
    ///
    /// - Parameters:
    ///   - resolver: The resolver every request goes through; share its store with nobody
    ///     who writes without it. Its `GraphProtection` decides which values `POST /identify`
    ///     ignores or drops; a request left with no value answers 400 `blocked_value`.
    ///   - adminToken: The token the destructive routes require as `Authorization: Bearer <token>`;
    ///     without one those routes are not routed at all (404, or 405 on a path served with
    ///     other methods).
    public static func makeRouter<Store: ContactStore>(
        resolver: IdentityResolver<Store>,
        adminToken: AdminToken? = nil
    ) -> Router<BasicRequestContext> {
        // HEAD on every GET route: the GET's headers without its body.
        let router = Router(options: .autoGenerateHeadEndpoints)
        // Outermost first: the log line sees the final status of every request, errors included.
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorMiddleware(routes: Route.served(withAdminRoutes: adminToken != nil)))
        IdentifyAPI(resolver: resolver, adminToken: adminToken).addRoutes(to: router)
        return router
    }

    /// The HTTP/1.1 application serving ``makeRouter(resolver:adminToken:)``.
    ///
    /// `runService()` on the result serves until SIGINT or SIGTERM, then stops accepting
    /// connections and returns once the requests in flight are answered; close the store after it returns.
    ///
    /// - Parameters:
    ///   - resolver: The resolver every request goes through.
    ///   - adminToken: The token that unlocks the destructive routes; `nil` leaves them unrouted.
    ///   - host: The address to bind, such as `127.0.0.1`.
    ///   - port: The port to bind; `0` picks a free one (see `onServerRunning`).
    ///   - limits: The connection cap and timeouts (``ServerLimits``); its ``ServerLimits/maxConnections``
    ///     is used as given, so lower it under the descriptor limit first
    ///     (``ServerLimits/connectionCap(openFileLimit:)``).
    ///   - logger: The logger for the server and every request.
    ///   - onServerRunning: Called once the server listens, with the bound port.
    public static func makeApplication<Store: ContactStore>(
        resolver: IdentityResolver<Store>,
        adminToken: AdminToken? = nil,
        host: String,
        port: Int,
        limits: ServerLimits = ServerLimits(),
        logger: Logger,
        onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        makeApplication(
            resolver: resolver, adminToken: adminToken, host: host, port: port, limits: limits,
            connections: ConnectionRegistry(maxConnections: limits.maxConnections), logger: logger,
            onServerRunning: onServerRunning)
    }

    /// ``makeApplication(resolver:adminToken:host:port:limits:logger:onServerRunning:)`` with
    /// the registry of its connections given, so tests can watch it.
    static func makeApplication<Store: ContactStore>(
        resolver: IdentityResolver<Store>,
        adminToken: AdminToken?,
        host: String,
        port: Int,
        limits: ServerLimits,
        connections registry: ConnectionRegistry,
        logger: Logger,
        onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(resolver: resolver, adminToken: adminToken),
            server: HTTPServerBuilder { responder in
                LimitedHTTP1Channel(responder: responder, limits: limits, registry: registry)
            },
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), backlog: limits.backlog),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
            logger: logger
        )
    }
}
