import Synchronization

/// Ends the sessions whose deadline has passed (``ConnectionSession/expire()``): one task
/// for all the open sessions of a process, checking every ``tick`` while any is open.
///
/// A timer per session cost a task and a dispatch timer for each round trip, a tenth of
/// the client's CPU time under load; the watch costs a dictionary entry. A session ends
/// at most a tick after its deadline.
final class DeadlineWatch: Sendable {
    /// The watch of every store in the process.
    static let shared = DeadlineWatch()

    /// How often the watch looks at the deadlines.
    static let tick = Duration.milliseconds(10)

    private struct State {
        var sessions: [ObjectIdentifier: ConnectionSession] = [:]
        /// Whether the watch's task is running.
        var running = false
    }
    private let state = Mutex(State())

    /// Watches `session` until ``unwatch(_:)``.
    func watch(_ session: ConnectionSession) {
        let starts = state.withLock { state in
            state.sessions[ObjectIdentifier(session)] = session
            guard !state.running else { return false }
            state.running = true
            return true
        }
        if starts { Task { await self.run() } }
    }

    /// Stops watching `session` (it ended by its deadline, or not).
    func unwatch(_ session: ConnectionSession) {
        _ = state.withLock { $0.sessions.removeValue(forKey: ObjectIdentifier(session)) }
    }

    /// Checks every tick until no session is left; each expired one is ended in a task of
    /// its own (closing its connection must not hold up the others) and no longer watched.
    private func run() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let expired = state.withLock { state -> [ConnectionSession]? in
                guard !state.sessions.isEmpty else {
                    state.running = false
                    return nil
                }
                let expired = state.sessions.values.filter { $0.deadline <= now }
                for session in expired { state.sessions.removeValue(forKey: ObjectIdentifier(session)) }
                return expired
            }
            guard let expired else { return }
            for session in expired { Task { await session.expire() } }
        }
    }
}
