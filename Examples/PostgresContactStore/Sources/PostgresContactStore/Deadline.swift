import Synchronization

/// Waits for an operation until a deadline, even when the operation never ends.
///
/// Task groups wait for their children, so a child stuck in the driver would hold its
/// group forever. Here the operation runs in a task of its own, and the caller waits on a
/// continuation that the first of the operation, a timer and the caller's cancellation
/// resumes; the others are then cancelled, and an operation that ignores cancellation is
/// left behind rather than waited for.
enum Deadline {
    /// Returns what `operation` returns, or throws
    /// ``PostgresContactStoreError/timeout(seconds:mayHaveBeenApplied:)`` once `deadline`
    /// has passed (`timeout` is the whole call's, for the message), or `CancellationError`
    /// when the calling task is cancelled.
    static func race<Value: Sendable>(
        until deadline: ContinuousClock.Instant, timeout: Duration,
        mayHaveWritten: @escaping @Sendable () -> Bool,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let race = Race<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(
                    continuation,
                    work: Task {
                        do {
                            race.finish(.success(try await operation()))
                        } catch {
                            race.finish(.failure(error))
                        }
                    },
                    timer: Task {
                        try await Task.sleep(until: deadline, clock: .continuous)
                        race.finish(.failure(timeoutError(timeout, mayHaveBeenApplied: mayHaveWritten())))
                    })
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The error of a call that ran out of time.
    static func timeoutError(_ timeout: Duration, mayHaveBeenApplied: Bool) -> PostgresContactStoreError {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return .timeout(seconds: seconds, mayHaveBeenApplied: mayHaveBeenApplied)
    }
}

/// The continuation of ``Deadline/race(until:timeout:mayHaveWritten:_:)``, resumed exactly
/// once, and the two tasks racing for it, both cancelled when it is.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var outcome: Result<Value, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, any Error>?
    }
    private let state = Mutex(State())

    /// Hands over the continuation and the tasks; resumes at once when the race already ended.
    func start(
        _ continuation: CheckedContinuation<Value, any Error>, work: Task<Void, Never>, timer: Task<Void, any Error>
    ) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            state.work = work
            state.timer = timer
            return nil
        }
        if let early {
            work.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    /// Resumes the caller with `outcome` unless something else did first.
    func finish(_ outcome: Result<Value, any Error>) {
        let ended = state.withLock { state -> State? in
            if state.outcome != nil { return nil }
            state.outcome = outcome
            let ended = state
            state.continuation = nil
            state.work = nil
            state.timer = nil
            return ended
        }
        guard let ended else { return }
        ended.work?.cancel()
        ended.timer?.cancel()
        ended.continuation?.resume(with: outcome)
    }
}
