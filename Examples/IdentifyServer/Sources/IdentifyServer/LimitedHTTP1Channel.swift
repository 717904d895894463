import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel under ``ServerLimits``: each accepted connection is
/// admitted by the ``ConnectionRegistry`` (which may close the connection idle longest, or
/// this one) and gets a ``RequestDeadlineHandler``; the idle timeout is Hummingbird's own.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let registry: ConnectionRegistry
    let requestTimeout: Duration

    /// Hummingbird's HTTP/1.1 channel with ``ServerLimits/idleTimeout`` and the handler that
    /// reports each request's and answer's end.
    init(responder: @escaping HTTPChannelHandler.Responder, limits: ServerLimits, registry: ConnectionRegistry) {
        self.base = HTTP1Channel(
            responder: responder,
            configuration: .init(
                additionalChannelHandlers: [HTTPExchangeEventsHandler()], idleTimeout: TimeAmount(limits.idleTimeout)))
        self.registry = registry
        self.requestTimeout = limits.requestTimeout
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // A failed setup would reach the listening channel as an error and stop the server
        // accepting, so a refused connection is set up as usual and closed.
        let admission = registry.admit(channel)
        switch admission {
        case .admitted: break
        case .admittedEvicting: logger.debug("connection limit reached; closed the connection idle longest")
        case .refused: logger.debug("connection limit reached with every connection busy; closed the new one")
        }
        let registry = self.registry
        let id = ObjectIdentifier(channel)
        if admission != .refused {
            channel.closeFuture.whenComplete { _ in registry.remove(id) }
        }
        do {
            try channel.pipeline.syncOperations.addHandler(
                RequestDeadlineHandler(timeout: requestTimeout, registry: registry), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
