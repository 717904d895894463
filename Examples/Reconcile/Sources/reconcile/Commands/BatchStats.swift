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
    /// Values ignored because they are blocked, and values dropped to keep a person within a limit.
    var blocked = 0
    var dropped = 0

    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    init() {
        started = clock.now
    }

    /// Counts what one identify wrote and left out.
    mutating func record(_ identification: Identification) {
        for ignored in identification.ignored {
            if case .groupLimit = ignored.reason { dropped += 1 } else { blocked += 1 }
        }
        switch identification.outcome {
        case .createdPrimary, .createdSecondary: rowsCreated += 1
        case .merged: merges += 1
        case .unchanged: break
        }
    }

    /// One line: `requests 1000000, rows created 412000, merges 1200, errors 3, elapsed 4.210 s, 237530 requests/s`,
    /// with `blocked values N, dropped values N` before `elapsed` when any were.
    var summary: String {
        let seconds = ProgressMeter.seconds(clock.now - started)
        let rate = seconds > 0 ? Int((Double(requests) / seconds).rounded()) : 0
        let elapsed = (seconds * 1000).rounded() / 1000
        let ignored = blocked + dropped > 0 ? ", blocked values \(blocked), dropped values \(dropped)" : ""
        return
            "requests \(requests), rows created \(rowsCreated), merges \(merges), errors \(errors)\(ignored), elapsed \(elapsed) s, \(rate) requests/s"
    }
}
