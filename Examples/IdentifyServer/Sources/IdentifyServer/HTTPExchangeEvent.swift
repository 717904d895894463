/// Where a connection is in its current request, sent by ``HTTPExchangeEventsHandler`` (which
/// sees HTTP parts) to ``RequestDeadlineHandler`` (which sees bytes) as an outbound user event.
enum HTTPExchangeEvent: Sendable, Equatable {
    /// The last part of the request (its end) arrived.
    case requestReceived
    /// The last part of the answer was written.
    case responseSent
}
