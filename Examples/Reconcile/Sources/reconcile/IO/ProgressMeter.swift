/// Shows a batch's count and rate on standard error while it runs, when standard error
/// is a terminal, at most four times a second.
struct ProgressMeter {
    private let isEnabled: Bool
    private let noun: String
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant
    private var hasShown = false

    /// Creates a meter that counts `noun`s (`lines`, `rows`).
    ///
    /// - Parameter enabled: Whether to show anything; by default, whether standard error is a terminal.
    init(counting noun: String, enabled: Bool = Console.standardErrorIsTerminal) {
        self.isEnabled = enabled
        self.noun = noun
        started = clock.now
        lastShown = started
    }

    /// Reports that `count` items are done; redraws at most every 250 ms.
    mutating func update(_ count: Int) {
        // Reading the clock costs little, but not nothing: look at it every 1024 items.
        guard isEnabled, count & 1023 == 0 else { return }
        let now = clock.now
        guard now - lastShown >= .milliseconds(250) else { return }
        lastShown = now
        hasShown = true
        let seconds = max(Self.seconds(now - started), 1e-9)
        Console.writeError("\r\u{1B}[K\(count) \(noun), \(Int(Double(count) / seconds)) \(noun)/s")
    }

    /// Clears the progress line, if one was drawn.
    mutating func finish() {
        guard hasShown else { return }
        Console.writeError("\r\u{1B}[K")
        hasShown = false
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
