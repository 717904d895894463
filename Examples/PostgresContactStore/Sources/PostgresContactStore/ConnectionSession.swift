import Logging
import PostgresNIO
import Synchronization

/// One leased connection, driven step by step from the calling task, every step bounded
/// by the call's deadline.
///
/// PostgresNIO 1.33.2 can leave a query on a closed connection waiting forever, deaf to
/// cancellation (see the README), and a pooled connection is only lent for the duration
/// of a closure. So the lease and the queries run in a worker task that holds the
/// connection, and the caller (who keeps the rules and the `plan` closure in its own task)
/// hands it one operation at a time and waits for each answer on a continuation that the
/// first of the answer, the deadline (``DeadlineWatch``) and the caller's cancellation resumes.
/// After a connection-level error the worker sends nothing more and gives the connection
/// back closed. When the deadline passes, ``expire()`` fails the waiting step, and every
/// later one, with a timeout, and closes the connection, which fails the statement in
/// flight and so ends the worker's wait too.
///
/// The worker runs the steps on the connection's event loop (``EventLoopExecutor``), so a
/// step's check that the connection is open and its statement's write happen with nothing
/// in between that could close it.
///
/// A step costs no task of its own: one worker serves the whole session, and one watch
/// all sessions.
final class ConnectionSession: Sendable {
    /// A step: runs on the connection (or learns why there is none) and resumes the caller.
    /// Returns whether the connection may still be used.
    private typealias Request = @Sendable (Result<PostgresConnection, any Error>) async -> Bool

    private struct State {
        /// Fails the step the caller is waiting for, if it has not been answered yet.
        var interrupt: (@Sendable (any Error) -> Void)?
        /// Whether the deadline has passed.
        var expired = false
        /// The leased connection, once the worker has it.
        var connection: PostgresConnection?
        /// Whether the worker is done with the connection (another session may lease it).
        var released = false
    }

    private let requests: AsyncStream<Request>
    private let sender: AsyncStream<Request>.Continuation
    private let state = Mutex(State())
    /// Set while a write is in flight or after one failed: a failure then leaves the call in doubt.
    private let writing = Atomic<Bool>(false)
    /// Set while the connection is not fit to go back to the pool (a transaction is open,
    /// or a step outlived the deadline): the worker then closes it instead.
    private let dirty = Atomic<Bool>(false)
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
    func setDirty(_ value: Bool) { dirty.store(value, ordering: .releasing) }

    /// Leases a connection of `client` for `body`'s steps, and gives it back when `body` ends.
    ///
    /// - Throws: What `body` throws; ``PostgresContactStoreError`` for the lease and the steps.
    static func with<Result>(
        _ client: PostgresClient, deadline: ContinuousClock.Instant, timeout: Duration,
        _ body: (ConnectionSession) async throws -> Result
    ) async throws -> Result {
        let session = ConnectionSession(deadline: deadline, timeout: timeout)
        let worker = Task { await session.serve(client) }
        DeadlineWatch.shared.watch(session)
        defer {
            DeadlineWatch.shared.unwatch(session)
            session.sender.finish()
            _ = worker  // The worker ends when the stream does; it is not awaited (it may hang in the driver).
        }
        return try await body(session)
    }

    /// Runs `operation` on the connection and returns its result, or throws
    /// ``PostgresContactStoreError`` (connection errors translated, with whether a write
    /// was in flight), `timeout` when the deadline passes first, `CancellationError` when
    /// the calling task is cancelled first.
    @discardableResult
    func perform<Value: Sendable>(
        _ operation: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                    let reply = Reply(continuation)
                    let expired = state.withLock { state in
                        state.interrupt = { reply.resume(with: .failure($0)) }
                        return state.expired
                    }
                    if expired { reply.resume(with: .failure(timeoutError)) }
                    // A task cancelled before the handler could reach the step.
                    if Task.isCancelled { reply.resume(with: .failure(CancellationError())) }
                    let request: Request = { connection in
                        // The caller stopped waiting (cancelled, or out of time) before the
                        // worker came to the step: it is not sent.
                        guard reply.isWaiting else { return true }
                        do {
                            let connection = try connection.get()
                            try Self.checkOpen(connection)
                            reply.resume(with: .success(try await operation(connection)))
                            return true
                        } catch {
                            reply.resume(with: .failure(error))
                            return !PostgresContactStore.isConnectionLevel(error)
                        }
                    }
                    if reply.isWaiting, case .terminated = sender.yield(request) {
                        reply.resume(
                            with: .failure(
                                PostgresContactStoreError.connectionLost(
                                    reason: "the connection was discarded after an earlier error",
                                    mayHaveBeenApplied: false)))
                    }
                }
            } onCancel: {
                state.withLock { $0.interrupt }?(CancellationError())
            }
        } catch {
            if case .timeout = error as? PostgresContactStoreError { setDirty(true) }
            throw PostgresContactStore.translate(error, mayHaveBeenApplied: mayHaveWritten)
        }
    }

    /// Throws ``PostgresContactStoreError/connectionLost(reason:mayHaveBeenApplied:)`` when
    /// `connection` is closed: PostgresNIO 1.33.2 never answers a statement written to a
    /// closed channel, so every statement is sent only after this check. In a session's
    /// steps, which run on the connection's event loop (see ``EventLoopExecutor``), nothing
    /// can close the connection between the check and the statement's write.
    static func checkOpen(_ connection: PostgresConnection) throws {
        guard connection.isClosed else { return }
        throw PostgresContactStoreError.connectionLost(
            reason: "the connection was closed before the statement was sent", mayHaveBeenApplied: false)
    }

    /// The error of a step that the deadline ended.
    private var timeoutError: PostgresContactStoreError {
        .timeout(after: timeout, mayHaveBeenApplied: mayHaveWritten)
    }

    /// The deadline has passed: fails the waiting step and every later one, and closes the
    /// connection so that a statement in flight fails and the worker stops waiting for it.
    func expire() async {
        let (interrupt, connection) = state.withLock { state in
            state.expired = true
            // Once released, the connection may be another session's: not ours to close.
            return (state.interrupt, state.released ? nil : state.connection)
        }
        setDirty(true)
        interrupt?(timeoutError)
        try? await connection?.close()
    }

    /// The worker: leases a connection and runs the steps sent to it until the caller is
    /// done or the connection failed; without a connection, fails every step.
    private func serve(_ client: PostgresClient) async {
        do {
            try await client.withConnection { connection in
                let expired = state.withLock { state in
                    state.connection = connection
                    return state.expired
                }
                // Leased after the deadline: the caller has stopped waiting.
                guard !expired else {
                    self.sender.finish()
                    try? await connection.close()
                    return
                }
                // On the connection's event loop, a step's check that the connection is open
                // and its statement's write run with nothing in between (see EventLoopExecutor).
                let usable = await withTaskExecutorPreference(EventLoopExecutor(connection.eventLoop)) {
                    for await request in self.requests {
                        guard await request(.success(connection)) else { return false }
                    }
                    return true
                }
                guard usable else {
                    // Never send anything on a connection that failed (PostgresNIO 1.33.2
                    // would wait forever): close it; the pool then drops it.
                    self.sender.finish()
                    try? await connection.close()
                    return
                }
                // Decided under the lock `expire()` takes: after it, the connection is
                // closed here or there, never handed back to the pool.
                let expiredMeanwhile = state.withLock { state in
                    state.released = true
                    return state.expired
                }
                if expiredMeanwhile || self.dirty.load(ordering: .acquiring) { try? await connection.close() }
            }
        } catch {
            let failure = PostgresContactStoreError.unreachable(
                endpoint: "the client's server", reason: PostgresContactStore.reason(for: error))
            for await request in requests {
                _ = await request(.failure(error is CancellationError ? error : failure))
            }
        }
        // Steps still queued when the stream ended are answered, so no caller waits on them.
        for await request in requests {
            _ = await request(
                .failure(
                    PostgresContactStoreError.connectionLost(
                        reason: "the connection was discarded after an earlier error", mayHaveBeenApplied: false)))
        }
    }
}

/// The continuation of one step, resumed exactly once: by the step's answer, the
/// deadline or the caller's cancellation, whichever comes first.
private final class Reply<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, any Error>?>

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        self.continuation = Mutex(continuation)
    }

    /// Whether the caller still waits for the step.
    var isWaiting: Bool { continuation.withLock { $0 != nil } }

    func resume(with result: Result<Value, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}
