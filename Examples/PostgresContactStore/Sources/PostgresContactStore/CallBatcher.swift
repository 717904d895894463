import Synchronization

/// Joins concurrent calls into batches, each run as one call: while a batch is in flight,
/// the calls that arrive wait, and the next batch takes them all (up to ``maximumBatch``).
///
/// A call that finds nothing in flight runs as a batch of one at once, in its own task, so
/// batching costs a lone caller nothing; the calls that arrive meanwhile queue, and a task
/// started when it ends drains the queue batch by batch. Under load a round trip carries
/// many calls. A batch's deadline is the earliest of its calls' deadlines, and `body` must
/// return by then (the store's session steps do, whatever the driver does), so every call
/// returns by its own deadline.
final class CallBatcher<Input: Sendable, Output: Sendable>: Sendable {
    private struct Waiter {
        let id: Int
        let input: Input
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Output, any Error>
    }
    private struct State {
        var pending: [Waiter] = []
        /// Whether a batch is in flight.
        var running = false
        var batches = 0
        var calls = 0
        /// The id of the last waiter queued.
        var lastID = 0
    }
    private let state = Mutex(State())
    /// The most calls one batch takes.
    let maximumBatch: Int

    init(maximumBatch: Int) {
        self.maximumBatch = maximumBatch
    }

    /// The batches run so far and the calls they carried.
    var counts: (batches: Int, calls: Int) { state.withLock { ($0.batches, $0.calls) } }

    /// Runs `input` in the next batch and returns its output.
    ///
    /// - Parameters:
    ///   - deadline: The call's deadline; the batch's is the earliest of its calls'.
    ///   - body: Runs one batch by its deadline: one result per input, in order. Every
    ///     caller passes the same `body`; the one that starts the queue's draining is used.
    /// - Throws: The call's failure, as `body` reported it; `CancellationError` when the
    ///   calling task is cancelled while the call waits for a batch (once its batch is
    ///   running, the call waits for it).
    func submit(
        _ input: Input, deadline: ContinuousClock.Instant,
        _ body: @escaping @Sendable ([Input], ContinuousClock.Instant) async -> [Result<Output, any Error>]
    ) async throws -> Output {
        let runsAlone = state.withLock { state in
            guard !state.running else { return false }
            state.running = true
            state.batches += 1
            state.calls += 1
            return true
        }
        if runsAlone {
            let result = await body([input], deadline).first
            finishRunning(body)
            guard let result else { throw Self.missingResult }
            return try result.get()
        }
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let (starts, cancelled) = state.withLock { state in
                    // Cancelled before the handler below could find the call in the queue.
                    guard !Task.isCancelled else { return (false, true) }
                    state.pending.append(
                        Waiter(id: id, input: input, deadline: deadline, continuation: continuation))
                    guard !state.running else { return (false, false) }
                    state.running = true
                    return (true, false)
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                if starts { Task { await self.drain(body) } }
            }
        } onCancel: {
            // A call still in the queue leaves it; one in a batch waits for the batch.
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.pending.firstIndex(where: { $0.id == id }) else { return nil }
                return state.pending.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Ends a run: drains what queued meanwhile in a new task, or marks nothing in flight.
    private func finishRunning(
        _ body: @escaping @Sendable ([Input], ContinuousClock.Instant) async -> [Result<Output, any Error>]
    ) {
        let drains = state.withLock { state in
            if state.pending.isEmpty { state.running = false }
            return state.running
        }
        if drains { Task { await self.drain(body) } }
    }

    /// What a call gets when `body` returned fewer results than it was given inputs.
    private static var missingResult: PostgresContactStoreError {
        .invalidRow(contactID: nil, column: "i", reason: "a batch returned no result for a call")
    }

    private func drain(_ body: @Sendable ([Input], ContinuousClock.Instant) async -> [Result<Output, any Error>]) async
    {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                let count = min(state.pending.count, maximumBatch)
                guard count > 0 else {
                    state.running = false
                    return []
                }
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                state.batches += 1
                state.calls += count
                return batch
            }
            guard let deadline = batch.map(\.deadline).min() else { return }
            let results = await body(batch.map(\.input), deadline)
            for (index, waiter) in batch.enumerated() {
                waiter.continuation.resume(with: index < results.count ? results[index] : .failure(Self.missingResult))
            }
        }
    }
}
