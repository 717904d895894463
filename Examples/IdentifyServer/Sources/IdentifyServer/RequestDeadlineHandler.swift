import NIOCore

/// Closes a connection whose request does not arrive whole within ``ServerLimits/requestTimeout``
/// of its first byte, and tells the ``ConnectionRegistry`` when the connection is idle.
///
/// Sits first in the pipeline, before the HTTP decoder, so it sees a request's first byte
/// (a head sent a byte at a time produces no HTTP part until it is complete); it learns the
/// request's end and the answer's end from ``HTTPExchangeEventsHandler``.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private enum Phase {
        /// Waiting for a request: no deadline (the idle timeout applies).
        case idle
        /// A request has begun and has not ended; `answered` when its answer is already out
        /// (a 413 or 415 is answered before the body is read).
        case receiving(answered: Bool)
        /// The request has arrived; its answer is being produced.
        case responding
    }

    private let timeout: TimeAmount
    private let registry: ConnectionRegistry
    private var phase = Phase.idle
    private var deadline: Scheduled<Void>?

    init(timeout: Duration, registry: ConnectionRegistry) {
        self.timeout = TimeAmount(timeout)
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .idle = phase {
            phase = .receiving(answered: false)
            registry.markBusy(ObjectIdentifier(context.channel))
            let loopBound = context.loopBound
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                loopBound.value.close(promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? HTTPExchangeEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch (event, phase) {
        case (.requestReceived, .receiving(let answered)):
            deadline?.cancel()
            deadline = nil
            if answered { becomeIdle(context) } else { phase = .responding }
        case (.responseSent, .receiving):
            phase = .receiving(answered: true)
        case (.responseSent, .responding):
            becomeIdle(context)
        default:
            // A pipelined request that arrived with the previous one's bytes: its deadline
            // was the previous one's; nothing to track.
            break
        }
        promise?.succeed(())
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func becomeIdle(_ context: ChannelHandlerContext) {
        phase = .idle
        registry.markIdle(ObjectIdentifier(context.channel))
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
