import Synchronization

@testable import PostgresContactStore

/// Waits for an operation at most a given time, even when the operation never ends: bounds
/// the tests' calls of PostgresNIO that can hang (see `ClosedConnectionTests`).
///
/// Task groups wait for their children, so a child stuck in the driver would hold its
/// group forever. Here the operation runs in a task of its own, and the caller waits on a
/// continuation that the first of the operation and a timer resumes; an operation still
/// running then is left behind rather than waited for.
enum Deadline {
    /// Returns what `operation` returns, or throws
    /// ``PostgresContactStoreError/timeout(seconds:mayHaveBeenApplied:)`` (nothing applied)
    /// after `seconds`.
    static func race<Value: Sendable>(
        seconds: Int, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let continuation = Mutex<CheckedContinuation<Value, any Error>?>(nil)
        let finish = { @Sendable (result: Result<Value, any Error>) in
            continuation.withLock { $0.take() }?.resume(with: result)
        }
        return try await withCheckedThrowingContinuation { waiting in
            continuation.withLock { $0 = waiting }
            let timer = Task {
                guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }
                finish(.failure(PostgresContactStoreError.timeout(after: .seconds(seconds), mayHaveBeenApplied: false)))
            }
            Task {
                do {
                    finish(.success(try await operation()))
                } catch {
                    finish(.failure(error))
                }
                timer.cancel()
            }
        }
    }
}
