import IdentityReconciliation

/// The counts `--stats` prints at the end of a batch.
struct BatchStats {
    /// Lines read.
    var requests = 0
    /// Rows created (primaries and secondaries).
    var rowsCreated = 0
    /// Groups merged into older ones.
    var merges = 0
    /// Lines answered with an error.
    var errors = 0

    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    init() {
        started = clock.now
    }

    /// Counts what one identify wrote.
    mutating func record(_ outcome: Identification.Outcome) {
        switch outcome {
        case .createdPrimary, .createdSecondary: rowsCreated += 1
        case .merged: merges += 1
        case .unchanged: break
        }
    }

    /// One line: `requests 1000000, rows created 412000, merges 1200, errors 3, elapsed 4.210 s, 237530 requests/s`.
    var summary: String {
        let seconds = ProgressMeter.seconds(clock.now - started)
        let rate = seconds > 0 ? Int((Double(requests) / seconds).rounded()) : 0
        let elapsed = (seconds * 1000).rounded() / 1000
        return
            "requests \(requests), rows created \(rowsCreated), merges \(merges), errors \(errors), elapsed \(elapsed) s, \(rate) requests/s"
    }
}
