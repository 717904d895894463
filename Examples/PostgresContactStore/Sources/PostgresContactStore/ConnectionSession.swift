import Logging
import PostgresNIO
import Synchronization

/// One leased connection, driven step by step from the calling task, every step bounded
/// by the call's deadline.
///
/// PostgresNIO 1.33.2 can leave a query on a closed connection waiting forever, deaf to
/// cancellation (see the README), and a pooled connection is only lent for the duration
/// of a closure. So three tasks serve a session, whatever its number of steps: a *holder*
/// leases the connection and keeps it until the session ends; an *executor* runs the steps
/// the caller (who keeps the rules and the `plan` closure in its own task) sends it, one at
/// a time; a *timer* ends the session at its deadline. The caller waits for each step on a
/// continuation that the first of the step's answer, the timer and the caller's
/// cancellation resumes. When the deadline passes, the caller is cancelled while a step
/// runs, or a step fails at the connection level, the holder closes the connection and
/// gives it back (the pool drops it), even when the executor is stuck in the driver: that
/// task is left behind, never waited for. After a connection-level error nothing more is
/// sent on the connection.
final class ConnectionSession: Sendable {
    /// A step: runs on the connection (or learns why there is none) and answers the caller.
    /// Returns whether the connection may still be used.
    private typealias Request = @Sendable (Result<PostgresConnection, any Error>) async -> Bool

    private struct State {
        /// The step the caller waits for: its number and how to fail it.
        var waiting: (step: Int, fail: @Sendable (any Error) -> Void)?
        var steps = 0
        /// The deadline passed: every waiting and later step fails with a timeout.
        var expired = false
        /// A step may still be running on the connection although nobody waits for it (the
        /// caller was cancelled or timed out), or a transaction is open: close, don't reuse.
        var dirty = false
        /// The holder's wait for the end of the session; resumed with whether to close.
        var holder: CheckedContinuation<Bool, Never>?
        /// The session ended before the holder began waiting: whether to close.
        var ended: Bool?
    }

    private let requests: AsyncStream<Request>
    private let sender: AsyncStream<Request>.Continuation
    private let state = Mutex(State())
    /// Set while a write is in flight or after one failed: a failure then leaves the call in doubt.
    private let writing = Atomic<Bool>(false)
    let deadline: ContinuousClock.Instant
    let timeout: Duration

    private init(deadline: ContinuousClock.Instant, timeout: Duration) {
        (requests, sender) = AsyncStream<Request>.makeStream()
        self.deadline = deadline
        self.timeout = timeout
    }

    /// Whether a write of this session may have reached the server.
    var mayHaveWritten: Bool { writing.load(ordering: .acquiring) }

    /// Marks that a write is about to be sent (`true`), or that the last one was answered
    /// without writing (`false`).
    func setWriting(_ value: Bool) { writing.store(value, ordering: .releasing) }

    /// Marks the connection as not fit for the pool (`true`, for example at `BEGIN`) or fit
    /// again (`false`, after `COMMIT` or `ROLLBACK`).
    func setDirty(_ value: Bool) { state.withLock { $0.dirty = value } }

    /// Leases a connection of `client` for `body`'s steps, and gives it back when `body` ends.
    ///
    /// - Throws: What `body` throws; ``PostgresContactStoreError`` for the lease and the steps.
    static func with<Result>(
        _ client: PostgresClient, deadline: ContinuousClock.Instant, timeout: Duration,
        _ body: (ConnectionSession) async throws -> Result
    ) async throws -> Result {
        let session = ConnectionSession(deadline: deadline, timeout: timeout)
        let timer = Task {
            try await Task.sleep(until: deadline, clock: .continuous)
            session.expire()
        }
        // Neither the holder nor the executor is awaited: either may hang in the driver.
        Task { await session.hold(client) }
        defer {
            timer.cancel()
            session.end(close: false)
        }
        return try await body(session)
    }

    /// Runs `operation` on the connection and returns its result, or throws
    /// ``PostgresContactStoreError`` (connection errors translated, with whether a write
    /// was in flight), `timeout` when the deadline passes first, `CancellationError` when the
    /// calling task is cancelled first.
    @discardableResult
    func perform<Value: Sendable>(
        _ operation: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let step = state.withLock { state in
            state.steps += 1
            return state.steps
        }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Value, any Error>) in
                    let early = state.withLock { state -> (any Error)? in
                        if state.expired { return timeoutError }
                        if Task.isCancelled { return CancellationError() }
                        state.waiting = (step, { reply.resume(throwing: $0) })
                        return nil
                    }
                    if let early {
                        reply.resume(throwing: early)
                        return
                    }
                    let request: Request = { connection in
                        // The caller stopped waiting (deadline, cancellation) before the step
                        // began: send nothing.
                        guard self.isWaiting(for: step) else { return false }
                        do {
                            let connection = try connection.get()
                            // PostgresNIO 1.33.2 never answers a query written to a closed channel.
                            guard !connection.isClosed else {
                                throw PostgresContactStoreError.connectionLost(
                                    reason: "the connection was closed before the statement was sent",
                                    mayHaveBeenApplied: false)
                            }
                            let value = try await operation(connection)
                            if self.answer(step) { reply.resume(returning: value) }
                            return true
                        } catch {
                            if self.answer(step) { reply.resume(throwing: error) }
                            return !PostgresContactStore.isConnectionLevel(error)
                        }
                    }
                    if case .terminated = sender.yield(request), answer(step) {
                        reply.resume(
                            throwing: PostgresContactStoreError.connectionLost(
                                reason: "the connection was discarded after an earlier error",
                                mayHaveBeenApplied: false))
                    }
                }
            } onCancel: {
                self.fail(step, CancellationError())
            }
        } catch {
            throw PostgresContactStore.translate(error, mayHaveBeenApplied: mayHaveWritten)
        }
    }

    private var timeoutError: PostgresContactStoreError {
        Deadline.timeoutError(timeout, mayHaveBeenApplied: mayHaveWritten)
    }

    /// Whether the caller still waits for `step`.
    private func isWaiting(for step: Int) -> Bool {
        state.withLock { $0.waiting?.step == step }
    }

    /// Whether the step's own answer is the one its caller gets (nothing failed it first).
    private func answer(_ step: Int) -> Bool {
        state.withLock { state in
            guard state.waiting?.step == step else { return false }
            state.waiting = nil
            return true
        }
    }

    /// Fails the caller's wait for `step` unless it was answered; the step may still run on
    /// the connection, which therefore is not reused.
    private func fail(_ step: Int, _ error: any Error) {
        let waiting = state.withLock { state -> (@Sendable (any Error) -> Void)? in
            guard let waiting = state.waiting, waiting.step == step else { return nil }
            state.waiting = nil
            state.dirty = true
            return waiting.fail
        }
        waiting?(error)
    }

    /// The deadline passed: fails the waiting step and every later one, and closes the connection.
    private func expire() {
        let waiting = state.withLock { state -> (@Sendable (any Error) -> Void)? in
            state.expired = true
            state.dirty = true
            defer { state.waiting = nil }
            return state.waiting?.fail
        }
        waiting?(timeoutError)
        end(close: true)
    }

    /// Ends the session: no more steps; the holder gives the connection back, closed when
    /// `close` or when it is not fit for the pool. Only the first call counts.
    private func end(close: Bool) {
        sender.finish()
        let (holder, closing) = state.withLock { state -> (CheckedContinuation<Bool, Never>?, Bool) in
            let closing = close || state.dirty || state.waiting != nil
            guard state.ended == nil else { return (nil, closing) }
            state.ended = closing
            defer { state.holder = nil }
            return (state.holder, closing)
        }
        holder?.resume(returning: closing)
    }

    /// The holder: leases a connection, starts the executor on it, and keeps it until the
    /// session ends; without a connection, fails every step.
    private func hold(_ client: PostgresClient) async {
        do {
            try await client.withConnection { connection in
                Task { await self.execute(connection) }
                let close = await withCheckedContinuation { (holder: CheckedContinuation<Bool, Never>) in
                    let ended = state.withLock { state -> Bool? in
                        if state.ended == nil { state.holder = holder }
                        return state.ended
                    }
                    if let ended { holder.resume(returning: ended) }
                }
                // Never send anything on a connection that failed or may still be running a
                // step (PostgresNIO 1.33.2 would wait forever): close it; the pool drops it.
                if close { try? await connection.close() }
            }
        } catch {
            let failure = PostgresContactStoreError.unreachable(
                endpoint: "the client's server", reason: PostgresContactStore.reason(for: error))
            for await request in requests {
                _ = await request(.failure(error is CancellationError ? error : failure))
            }
        }
    }

    /// The executor: runs the steps on the connection until the session ends or a step
    /// fails at the connection level; then answers the steps still queued, so no caller
    /// waits on them.
    private func execute(_ connection: PostgresConnection) async {
        for await request in requests {
            guard await request(.success(connection)) else {
                end(close: true)
                break
            }
        }
        for await request in requests {
            _ = await request(
                .failure(
                    PostgresContactStoreError.connectionLost(
                        reason: "the connection was discarded after an earlier error", mayHaveBeenApplied: false)))
        }
    }
}
