import Foundation

/// The figures of one timed run: one workload on one target with a number of concurrent tasks.
struct RunResult: Codable, Sendable {
    var workload: Workload.Kind
    var target: Target
    var tasks: Int
    /// Requests timed.
    var requests: Int
    var seconds: Double
    var identifiesPerSecond: Double
    /// Process CPU time (user + system, all threads) per request: on a shared machine, a
    /// steadier figure than wall-clock throughput for CPU-bound targets.
    var cpuMicrosecondsPerIdentify: Double
    /// Requests that wrote (inserted or merged).
    var writes: Int
    var writesPerSecond: Double
    var p50Microseconds: Double
    var p99Microseconds: Double
    var maxMicroseconds: Double
    /// Rows in the store after the run (preloaded and inserted).
    var contacts: Int
    /// Peak RSS of the process during this run (`VmHWM`, reset before the run).
    var peakRSSBytes: Int
    /// RSS growth from before opening the store to after the run, per row.
    var rssBytesPerContact: Double?
    /// UTF-8 bytes of the emails and phone numbers per row.
    var stringBytesPerContact: Double?
    /// ``rssBytesPerContact`` minus ``stringBytesPerContact``.
    var bytesPerContactBeyondStrings: Double?
    /// Size on disk per row after the run (SQLite after a WAL checkpoint).
    var fileBytesPerContact: Double?
    /// For `file-immediate` with one task: the durable overwrite rate measured in bursts
    /// between this run's requests (their time is left out of the run's).
    var interleavedOverwritesPerSecond: Double?
    /// Rows in the store before the timed requests (the workload's preload).
    var existingRows: Int = 0
    /// PostgreSQL targets: statements the server ran per request during the timed part,
    /// from `pg_stat_statements` (see ``StatementCounter``); one statement is one round trip.
    var statementsPerIdentify: Double?
}
