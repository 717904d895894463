import NIOCore
import Synchronization

/// The open connections, shared by every event loop, and which of them are idle: enforces
/// ``ServerLimits/maxConnections`` by evicting the connection idle longest.
///
/// Closing idle connections first keeps the server answering new clients while thousands of
/// connections sit idle (as nginx reuses keep-alive connections when it runs out): a flood of
/// idle connections can only push out other idle connections. Hummingbird's own
/// `MaximumAvailableConnections` stops accepting instead, which leaves every new client
/// waiting in the backlog until an idle connection times out.
final class ConnectionRegistry: Sendable {
    /// What to do with a new connection.
    enum Admission: Equatable {
        /// Under the limit: keep it.
        case admitted
        /// At the limit: keep it and close the connection with this identifier, idle longest.
        case admittedEvicting(ObjectIdentifier)
        /// At the limit with no idle connection: close the new one.
        case refused
    }

    private struct Entry {
        let channel: any Channel
        /// When it became idle, in admissions and transitions counted; `nil` while it is in a request.
        var idleSince: UInt64?
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var tick: UInt64 = 0
    }

    /// The most connections held at once.
    let maxConnections: Int
    private let state = Mutex(State())

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    /// The connections held now, and how many of them are idle.
    var counts: (open: Int, idle: Int) {
        state.withLock { state in
            (state.entries.count, state.entries.values.count { $0.idleSince != nil })
        }
    }

    /// Admits `channel` (idle, until ``markBusy(_:)``), evicting the connection idle longest
    /// when at the limit; closes the evicted or the refused channel and forgets it.
    @discardableResult
    func admit(_ channel: any Channel) -> Admission {
        let (admission, closing) = state.withLock { state -> (Admission, (any Channel)?) in
            state.tick += 1
            let entry = Entry(channel: channel, idleSince: state.tick)
            if state.entries.count < maxConnections {
                state.entries[ObjectIdentifier(channel)] = entry
                return (.admitted, nil)
            }
            let idlest = state.entries.min { ($0.value.idleSince ?? .max) < ($1.value.idleSince ?? .max) }
            guard let idlest, idlest.value.idleSince != nil else { return (.refused, channel) }
            state.entries[idlest.key] = nil
            state.entries[ObjectIdentifier(channel)] = entry
            return (.admittedEvicting(idlest.key), idlest.value.channel)
        }
        closing?.close(promise: nil)
        return admission
    }

    /// The connection is receiving a request or producing its answer: not to be evicted.
    func markBusy(_ channel: ObjectIdentifier) {
        state.withLock { $0.entries[channel]?.idleSince = nil }
    }

    /// The connection waits for its next request: first in line for eviction once idle longest.
    func markIdle(_ channel: ObjectIdentifier) {
        state.withLock { state in
            state.tick += 1
            let tick = state.tick
            state.entries[channel]?.idleSince = tick
        }
    }

    /// The connection closed.
    func remove(_ channel: ObjectIdentifier) {
        state.withLock { $0.entries[channel] = nil }
    }
}
