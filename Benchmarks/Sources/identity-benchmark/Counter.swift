import Synchronization

/// A shared request counter for the concurrent callers.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
