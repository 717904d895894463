/// How long a call of ``PostgresContactStore`` may take and how it retries.
///
/// ```swift
/// let options = PostgresContactStoreOptions(timeout: .seconds(2), maximumRetries: 2)
/// try await PostgresContactStore.withStore(settings: settings, options: options) { store in … }
/// ```
public struct PostgresContactStoreOptions: Sendable, Hashable {
    /// The deadline of every call, retries included: when it passes, the call throws
    /// ``PostgresContactStoreError/timeout(seconds:mayHaveBeenApplied:)``, even when the
    /// driver never answers. The default is 5 seconds.
    public var timeout: Duration
    /// How often a call runs again after a transient failure (a lost connection, a server
    /// shutting down, a serialization failure; see ``PostgresContactStore`` for which
    /// calls), waiting ``retryDelay``, then twice as long each time. The default is 4.
    public var maximumRetries: Int
    /// The wait before the first retry. The default is 50 ms.
    public var retryDelay: Duration
    /// The deadline of the long calls: opening the store (its migration),
    /// `importContacts` and `vacuum`. They are never retried. The default is 10 minutes.
    public var bulkTimeout: Duration
    /// How many identifies may be in flight in one store before the others share round
    /// trips in batches (see ``PostgresContactStore/transaction(reading:_:)``): up to this
    /// many, each runs on a connection of its own; beyond it, concurrent identifies' reads
    /// go to the server together, and so do their writes. The default is 8: on the 2-core
    /// machine of the figures, 8 callers ran faster alone and 64 three times as fast in
    /// batches. `0` sends every identify through the batches; `Int.max` never batches.
    public var batchingThreshold: Int

    /// Creates options; the defaults suit an application server.
    public init(
        timeout: Duration = .seconds(5), maximumRetries: Int = 4, retryDelay: Duration = .milliseconds(50),
        bulkTimeout: Duration = .seconds(600), batchingThreshold: Int = 8
    ) {
        self.timeout = timeout
        self.maximumRetries = max(0, maximumRetries)
        self.retryDelay = retryDelay
        self.bulkTimeout = bulkTimeout
        self.batchingThreshold = max(0, batchingThreshold)
    }
}
