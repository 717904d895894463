public import IdentityReconciliation

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A ``IdentityReconciliation/ContactClock`` for tests: it shows a fixed time that moves only when told to,
/// or by a fixed step after each reading.
///
/// Safe to share between tasks.
public final class ManualClock: ContactClock {
    private struct State {
        var current: Date
        var step: Double
    }

    private let state: StoreLock<State>

    /// Creates a clock.
    ///
    /// - Parameters:
    ///   - start: The first time it shows; 2023-11-14T22:13:20Z by default.
    ///   - step: Seconds added after each reading; `0` (a frozen clock) by default.
    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000), step: Double = 0) {
        state = StoreLock(State(current: start, step: step))
    }

    /// The current time; then moves the clock forward by its step.
    public func now() -> Date {
        state.withLock { state in
            let current = state.current
            state.current = current.addingTimeInterval(state.step)
            return current
        }
    }

    /// Moves the clock by `seconds` (negative moves it back).
    public func advance(by seconds: Double) {
        state.withLock { $0.current = $0.current.addingTimeInterval(seconds) }
    }

    /// Sets the time the clock shows next.
    public func set(_ date: Date) {
        state.withLock { $0.current = date }
    }
}
