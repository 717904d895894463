import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Follows each request and answer on a connection, part by part:
///
/// - reports the end of each request and of each answer as an ``HTTPExchangeEvent`` toward the
///   front of the pipeline, where ``RequestDeadlineHandler`` reads bytes and cannot tell them apart;
/// - answers a request the HTTP parser refuses before its head is complete (an unknown method,
///   a NUL in a header, `Content-Length` with `Transfer-Encoding`, a head over the size limit,
///   TLS sent to plain HTTP) with a JSON 400 `malformed_request`, then closes the connection.
///   Hummingbird would answer those with an empty 400; the error never reaches the router.
final class HTTPExchangeEventsHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head arrived and whose answer has not been written to its end.
    private var unanswered = 0
    /// Whether the connection is closing after the parser's 400: later errors are not answered.
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: unanswered += 1
        case .body: break
        case .end: context.triggerUserOutboundEvent(HTTPExchangeEvent.requestReceived, promise: nil)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd {
            unanswered -= 1
            context.triggerUserOutboundEvent(HTTPExchangeEvent.responseSent, promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Inside a request (its body) the application reads the error and answers it; while an
        // earlier answer is still being written a second one would interleave with it.
        guard let parserError = error as? HTTPParserError, unanswered == 0, !refused else {
            context.fireErrorCaught(error)
            return
        }
        refused = true
        var json: [UInt8] = []
        APIError.malformedRequest(parserError).write(to: &json)
        let head = HTTPResponse(
            status: .badRequest,
            headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: "\(json.count)",
                .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: json))), promise: nil)
        let loopBound = context.loopBound
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTPExchangeEventsHandler: Sendable {}
