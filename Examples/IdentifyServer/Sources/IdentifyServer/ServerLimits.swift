/// The limits that keep clients from exhausting the server: how many connections it holds, how
/// long a keep-alive connection may sit idle and how long a request may take to arrive.
///
/// ```swift
/// var limits = ServerLimits()
/// limits.maxConnections = limits.connectionCap(openFileLimit: 1_024)   // 896
/// ```
///
/// The defaults are safe for a public port; `identify-server` sets them from its flags.
public struct ServerLimits: Sendable, Equatable {
    /// The most connections held open at once. A new connection beyond it closes the connection
    /// that has been idle longest (keep-alive, or connected without sending a byte), or, when
    /// every connection is in the middle of a request, is itself closed at once.
    public var maxConnections: Int
    /// How long a connection may stay open without a request: after connecting, or after the
    /// last answer. Hummingbird's own idle timeout closes it then.
    public var idleTimeout: Duration
    /// How long a request may take to arrive, from its first byte to the last byte of its body
    /// (head and body together); the connection is closed when it has not arrived by then.
    public var requestTimeout: Duration
    /// The length of the kernel's queue of connections not yet accepted.
    public var backlog: Int

    /// File descriptors kept out of ``connectionCap(openFileLimit:)`` for everything else the
    /// process opens: the store file and its lock, the listening socket, standard streams and
    /// the runtime's own (libdispatch opens `/proc` files and aborts when it cannot).
    public static let reservedDescriptors = 128

    /// Creates limits; each parameter's default is the flag's default.
    public init(
        maxConnections: Int = 10_000, idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(30),
        backlog: Int = 256
    ) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.backlog = backlog
    }

    /// ``maxConnections``, lowered so the connections fit under `openFileLimit` (the process's
    /// soft `RLIMIT_NOFILE`) with ``reservedDescriptors`` to spare; at least 1.
    public func connectionCap(openFileLimit: Int) -> Int {
        max(1, min(maxConnections, openFileLimit - Self.reservedDescriptors))
    }
}
