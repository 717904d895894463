import Foundation

/// Reopen, compaction and file-size figures of the file store.
struct StorageFigures: Codable, Sendable {
    var contacts: Int
    /// UTF-8 bytes of emails and phone numbers per row.
    var stringBytesPerContact: Double
    var seconds: StorageSeconds
    var bytesBeforeCompaction: Int
    var bytesAfterCompaction: Int
    var bytesPerContactBeforeCompaction: Double
    var bytesPerContactAfterCompaction: Double
    /// Bytes per row on disk beyond its strings, after compaction.
    var bytesPerContactBeyondStringsAfterCompaction: Double
}

/// Timings of the storage phase, in seconds (each reopen the best of three): wall-clock, and
/// the process's CPU time, which a busy machine disturbs less.
struct StorageSeconds: Codable, Sendable {
    var build: Double
    var reopenJournal: Double
    var compaction: Double
    var reopenCompacted: Double
    var reopenJournalCPU: Double
    var compactionCPU: Double
    var reopenCompactedCPU: Double
    /// ``IdentityResolver/report(top:flagGroupsOver:)`` over the compacted store, opened
    /// read-only: one scan of every row and link.
    var graphReport: Double
    var graphReportCPU: Double
}

/// Bytes the file store appends for one merge of a group of k members.
struct MergeGrowth: Codable, Sendable {
    var members: Int
    var bytesAppended: Int
}

/// A comparison of one figure against a baseline measured in the same run.
struct Ratio: Codable, Sendable {
    var name: String
    var value: Double
}

/// One target from the issue, checked against this run's figures.
struct Goal: Codable, Sendable {
    var goal: String
    var measured: String
    var met: Bool?
}

/// The machine the run was measured on.
struct Machine: Codable, Sendable {
    var processors: Int
    var cpuModel: String
    var kernel: String
    var swift: String
    var loadAverage: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown"
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let load =
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
        return Machine(
            processors: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, kernel: release,
            swift: swiftVersion(), loadAverage: load)
    }

    /// `swift --version`'s first line when a toolchain is on PATH (it is under `swift run`).
    private static func swiftVersion() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return "unknown" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "unknown"
    }
}

/// Everything one run measured; printed as tables and written as JSON.
struct Report: Codable, Sendable {
    var machine: Machine
    var quick: Bool
    var seed: UInt64
    var requests: Int
    var durableRequests: Int
    var workloads: [String: String] = [:]
    var probe: DurableWriteProbe.Result?
    /// The PostgreSQL server the `postgres` target ran on, with the settings that decide a commit's cost.
    var postgresServer: PostgresServer?
    var runs: [RunResult] = []
    /// The `postgres` target's orders runs on tables already holding rows (`--existing-rows`).
    var existingRowsRuns: [RunResult] = []
    var storage: StorageFigures?
    var mergeGrowth: [MergeGrowth] = []
    var corrections: CorrectionFigures?
    var ratios: [Ratio] = []
    var goals: [Goal] = []
    var notes: [String] = []

    /// Writes the report as JSON (sorted keys, indented).
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    func run(_ workload: Workload.Kind, _ target: Target, tasks: Int) -> RunResult? {
        runs.first { $0.workload == workload && $0.target == target && $0.tasks == tasks }
    }

    /// Ratios between runs of the same workload and tasks: every target against the SQLite
    /// baseline of its durability class and scale (`sqlite-full` for the targets that sync
    /// every commit, `sqlite-normal` for the others), and `.immediate` against the durable write.
    mutating func computeRatios() {
        ratios = []
        for run in runs where run.target != .sqliteFull && run.target != .sqliteNormal {
            let baseline: Target = run.target.syncsEveryCommit ? .sqliteFull : .sqliteNormal
            if let base = self.run(run.workload, baseline, tasks: run.tasks) {
                ratios.append(
                    Ratio(
                        name: "\(run.workload.rawValue) \(run.target.rawValue) ×\(run.tasks) / \(baseline.rawValue)",
                        value: run.identifiesPerSecond / base.identifiesPerSecond))
            }
        }
        for run in runs where run.target == .postgres {
            if let reference = self.run(run.workload, .postgresReference, tasks: run.tasks) {
                ratios.append(
                    Ratio(
                        name: "\(run.workload.rawValue) postgres ×\(run.tasks) / postgres-reference (reference)",
                        value: run.identifiesPerSecond / reference.identifiesPerSecond))
            }
        }
        if let full = run(.orders, .sqliteFull, tasks: 1), let normal = run(.orders, .sqliteNormal, tasks: 1) {
            ratios.append(
                Ratio(
                    name: "orders sqlite-normal ×1 / sqlite-full ×1 (sizes differ)",
                    value: normal.identifiesPerSecond / full.identifiesPerSecond))
        }
        if let immediate = run(.orders, .fileImmediate, tasks: 1), let paired = immediate.interleavedOverwritesPerSecond
        {
            ratios.append(
                Ratio(
                    name: "orders file-immediate ×1 writes/s / durable overwrite rate interleaved with it",
                    value: immediate.writesPerSecond / paired))
        }
        if let probe {
            for target in [Target.fileImmediate, .sqliteFull, .postgres] {
                guard let run = run(.orders, target, tasks: 1) else { continue }
                ratios.append(
                    Ratio(
                        name: "orders \(target.rawValue) ×1 writes/s / durable overwrite rate",
                        value: run.writesPerSecond / probe.overwritesPerSecond))
                ratios.append(
                    Ratio(
                        name: "orders \(target.rawValue) ×1 identify/s / durable overwrite rate",
                        value: run.identifiesPerSecond / probe.overwritesPerSecond))
            }
        }
    }

    /// Checks the targets against this run (only meaningful for a full run).
    mutating func checkGoals() {
        goals = []
        func rate(_ value: Double) -> String { Self.format(value) + "/s" }
        if let memory = run(.orders, .memory, tasks: 1) {
            goals.append(
                Goal(
                    goal: "in-memory, 1 task: ≥ 500,000 identify/s", measured: rate(memory.identifiesPerSecond),
                    met: memory.identifiesPerSecond >= 500_000))
            if let beyond = memory.bytesPerContactBeyondStrings {
                goals.append(
                    Goal(
                        goal: "in-memory: ≤ 200 bytes per contact beyond its strings",
                        measured: String(format: "%.0f B", beyond), met: beyond <= 200))
            }
        }
        if let deferred = run(.orders, .fileDeferred, tasks: 1) {
            goals.append(
                Goal(
                    goal: "file .deferred: ≥ 300,000 identify/s", measured: rate(deferred.identifiesPerSecond),
                    met: deferred.identifiesPerSecond >= 300_000))
        }
        if let immediate = run(.orders, .fileImmediate, tasks: 1) {
            // The probe interleaved with the run saw the same disk in the same seconds; the
            // one at the start of the run is the fallback.
            if let overwrites = immediate.interleavedOverwritesPerSecond ?? probe?.overwritesPerSecond {
                let ratio = immediate.writesPerSecond / overwrites
                goals.append(
                    Goal(
                        goal: "file .immediate, 1 task: ≥ 90% of the durable-write rate (writing identifies/s)",
                        measured: String(format: "%.0f%%", ratio * 100)
                            + " (\(rate(immediate.writesPerSecond)) vs \(rate(overwrites))"
                            + (immediate.interleavedOverwritesPerSecond != nil ? " interleaved)" : ")"),
                        met: ratio >= 0.9))
            }
            if let sqlite = run(.orders, .sqliteFull, tasks: 1) {
                goals.append(
                    Goal(
                        goal: "file .immediate, 1 task: no slower than SQLite synchronous=FULL",
                        measured: "\(rate(immediate.identifiesPerSecond)) vs \(rate(sqlite.identifiesPerSecond))",
                        met: immediate.identifiesPerSecond >= sqlite.identifiesPerSecond))
            }
        }
        if let grouped = run(.orders, .fileGrouped, tasks: 64) {
            goals.append(
                Goal(
                    goal: "file grouped, 64 tasks: ≥ 100,000 durable identify/s",
                    measured: rate(grouped.identifiesPerSecond), met: grouped.identifiesPerSecond >= 100_000))
            if let sqlite = run(.orders, .sqliteFull, tasks: 64) {
                let ratio = grouped.identifiesPerSecond / sqlite.identifiesPerSecond
                goals.append(
                    Goal(
                        goal: "file grouped, 64 tasks: ≥ 15× SQLite synchronous=FULL with 64 tasks",
                        measured: String(format: "%.1f×", ratio), met: ratio >= 15))
            }
        }
        /// The store's rate against `other`'s, met at `minimum` times it or more.
        func ratioGoal(_ goal: String, _ store: RunResult, _ other: RunResult, minimum: Double) -> Goal {
            let ratio = store.identifiesPerSecond / other.identifiesPerSecond
            return Goal(
                goal: goal,
                measured: String(format: "%.2f× ", ratio)
                    + "(\(rate(store.identifiesPerSecond)) vs \(rate(other.identifiesPerSecond)))",
                met: ratio >= minimum)
        }
        for tasks in [1, 8, 64] {
            guard let store = run(.orders, .postgres, tasks: tasks) else { continue }
            if let reference = run(.orders, .postgresReference, tasks: tasks) {
                goals.append(
                    ratioGoal(
                        "postgres, \(tasks) task(s): ≥ 0.5× its reference (one PL/pgSQL call per identify)", store,
                        reference, minimum: 0.5))
            }
            if tasks > 1, let sqlite = run(.orders, .sqliteFull, tasks: tasks) {
                goals.append(
                    ratioGoal("postgres, \(tasks) tasks: ≥ SQLite synchronous=FULL", store, sqlite, minimum: 1))
            }
        }
        if let small = existingRowsRuns.min(by: { $0.existingRows < $1.existingRows }),
            let large = existingRowsRuns.max(by: { $0.existingRows < $1.existingRows }),
            large.existingRows > small.existingRows
        {
            let ratio = small.identifiesPerSecond / large.identifiesPerSecond
            goals.append(
                Goal(
                    goal: "postgres at \(small.existingRows) and \(large.existingRows) existing rows: differ by < 2×",
                    measured: String(format: "%.2f× ", ratio)
                        + "(\(rate(small.identifiesPerSecond)) vs \(rate(large.identifiesPerSecond)))",
                    met: max(ratio, 1 / ratio) < 2))
        }
        if let storage {
            goals.append(
                Goal(
                    goal: "reopen of \(storage.contacts) contacts ≤ 1 s",
                    measured: String(
                        format: "%.3f s (journal), %.3f s (compacted); CPU %.3f s and %.3f s",
                        storage.seconds.reopenJournal, storage.seconds.reopenCompacted,
                        storage.seconds.reopenJournalCPU, storage.seconds.reopenCompactedCPU),
                    met: max(storage.seconds.reopenJournal, storage.seconds.reopenCompacted) <= 1))
            goals.append(
                Goal(
                    goal: "on disk ≤ 64 bytes per contact plus its strings, after compaction",
                    measured: String(format: "%.1f B", storage.bytesPerContactBeyondStringsAfterCompaction),
                    met: storage.bytesPerContactBeyondStringsAfterCompaction <= 64))
            goals.append(
                Goal(
                    goal: "graph report of \(storage.contacts) contacts in seconds (≤ 10 s)",
                    measured: String(
                        format: "%.2f s (CPU %.2f s)", storage.seconds.graphReport, storage.seconds.graphReportCPU),
                    met: storage.seconds.graphReport <= 10))
        }
        if let small = mergeGrowth.first, let large = mergeGrowth.last, large.members > small.members {
            goals.append(
                Goal(
                    goal: "a merge of k members appends O(1) bytes",
                    measured:
                        "k=\(small.members): \(small.bytesAppended) B, k=\(large.members): \(large.bytesAppended) B",
                    met: large.bytesAppended <= small.bytesAppended + 64))
        }
    }

    // MARK: - Text

    static func format(_ value: Double) -> String {
        if value >= 100 { return Int(value.rounded()).formatted(.number.grouping(.automatic)) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    /// The report as plain-text tables.
    func text() -> String {
        var lines: [String] = []
        lines.append(
            "Machine: \(machine.processors) CPUs, \(machine.cpuModel), Linux \(machine.kernel), \(machine.swift); "
                + "load average at start \(machine.loadAverage)")
        lines.append(
            "Seed \(seed); \(requests) requests (targets that sync every commit: \(durableRequests))"
                + (quick ? "; --quick" : ""))
        for (name, summary) in workloads.sorted(by: { $0.key < $1.key }) { lines.append("  \(name): \(summary)") }
        if let probe {
            lines.append("")
            lines.append(
                "Durable write (100 B + fdatasync, \(probe.iterations) times): "
                    + "overwrite \(Self.format(probe.overwritesPerSecond))/s "
                    + String(format: "(%.0f µs), ", probe.overwriteMicroseconds)
                    + "append \(Self.format(probe.appendsPerSecond))/s "
                    + String(format: "(%.0f µs)", probe.appendMicroseconds))
        }
        if let postgresServer {
            lines.append("")
            lines.append(postgresServer.summary)
        }
        lines.append("")
        let header = [
            "workload", "target", "tasks", "requests", "identify/s", "CPU µs/req", "writes/s", "p50 µs", "p99 µs",
            "max µs",
            "peak RSS MB", "RSS B/row", "−strings", "file B/row",
        ]
        var rows: [[String]] = []
        for run in runs {
            rows.append([
                run.workload.rawValue, run.target.rawValue, "\(run.tasks)", "\(run.requests)",
                Self.format(run.identifiesPerSecond), Self.format(run.cpuMicrosecondsPerIdentify),
                Self.format(run.writesPerSecond),
                Self.format(run.p50Microseconds), Self.format(run.p99Microseconds), Self.format(run.maxMicroseconds),
                String(format: "%.0f", Double(run.peakRSSBytes) / 1_048_576),
                run.rssBytesPerContact.map { String(format: "%.0f", $0) } ?? "-",
                run.bytesPerContactBeyondStrings.map { String(format: "%.0f", $0) } ?? "-",
                run.fileBytesPerContact.map { String(format: "%.0f", $0) } ?? "-",
            ])
        }
        lines.append(contentsOf: Self.table(header: header, rows: rows))
        lines.append(contentsOf: postgresText())
        if let storage {
            lines.append("")
            lines.append(
                String(
                    format:
                        "File store with %d contacts (strings %.1f B/row): built in %.2f s; reopen %.3f s "
                        + "(CPU %.3f s); compaction %.3f s (CPU %.3f s); reopen after compaction %.3f s (CPU %.3f s)",
                    storage.contacts, storage.stringBytesPerContact, storage.seconds.build,
                    storage.seconds.reopenJournal, storage.seconds.reopenJournalCPU, storage.seconds.compaction,
                    storage.seconds.compactionCPU, storage.seconds.reopenCompacted,
                    storage.seconds.reopenCompactedCPU))
            lines.append(
                String(
                    format: "  graph report (one scan, top 10): %.2f s (CPU %.2f s)", storage.seconds.graphReport,
                    storage.seconds.graphReportCPU))
            lines.append(
                String(
                    format: "  file size: %.1f B/row before compaction, %.1f B/row after (%.1f B/row beyond strings)",
                    storage.bytesPerContactBeforeCompaction, storage.bytesPerContactAfterCompaction,
                    storage.bytesPerContactBeyondStringsAfterCompaction))
        }
        if !mergeGrowth.isEmpty {
            lines.append("")
            lines.append(
                "Bytes appended to the file store by one merge: "
                    + mergeGrowth.map { "k=\($0.members): \($0.bytesAppended) B" }.joined(separator: ", "))
        }
        if let corrections {
            lines.append("")
            lines.append(contentsOf: corrections.text())
        }
        if !ratios.isEmpty {
            lines.append("")
            lines.append("Ratios (same run):")
            for ratio in ratios { lines.append(String(format: "  %7.2f×  ", ratio.value) + ratio.name) }
        }
        if !goals.isEmpty {
            lines.append("")
            lines.append("Targets from the issue" + (quick ? " (--quick: sizes too small to judge)" : "") + ":")
            for goal in goals {
                let mark = goal.met.map { $0 ? "met   " : "MISSED" } ?? "n/a   "
                lines.append("  \(mark) \(goal.goal): \(goal.measured)")
            }
        }
        for note in notes { lines.append("Note: \(note)") }
        return lines.joined(separator: "\n")
    }

    /// The PostgreSQL store beside its reference and SQLite `FULL` (orders, each tasks level
    /// of this run), with the server's statements (round trips) per identify, and the
    /// store's runs on tables already holding rows. The reference against SQLite shows what
    /// one round trip per identify, the rules on the server, reaches on this machine.
    func postgresText() -> [String] {
        var lines: [String] = []
        let levels = Set(runs.filter { $0.workload == .orders && $0.target.isPostgres }.map(\.tasks)).sorted()
        if !levels.isEmpty {
            lines.append("")
            lines.append(
                "PostgreSQL, orders (same run): the store, its REFERENCE (the same rules as one PL/pgSQL call "
                    + "per identify; a reference, not a store) and SQLite FULL; round trips = statements the "
                    + "server ran per identify (pg_stat_statements)")
            func cell(_ run: RunResult?) -> String { run.map { Self.format($0.identifiesPerSecond) } ?? "-" }
            func trips(_ run: RunResult?) -> String { run?.statementsPerIdentify.map { Self.format($0) } ?? "-" }
            func ratio(_ a: RunResult?, _ b: RunResult?) -> String {
                guard let a, let b else { return "-" }
                return String(format: "%.2f×", a.identifiesPerSecond / b.identifiesPerSecond)
            }
            let header = [
                "workload", "tasks", "postgres/s", "reference/s", "sqlite-full/s", "store/reference", "store/sqlite",
                "reference/sqlite", "round trips store", "round trips reference",
            ]
            let rows = levels.map { tasks -> [String] in
                let store = run(.orders, .postgres, tasks: tasks)
                let reference = run(.orders, .postgresReference, tasks: tasks)
                let sqlite = run(.orders, .sqliteFull, tasks: tasks)
                return [
                    "orders", "\(tasks)", cell(store), cell(reference), cell(sqlite), ratio(store, reference),
                    ratio(store, sqlite), ratio(reference, sqlite), trips(store), trips(reference),
                ]
            }
            lines.append(contentsOf: Self.table(header: header, rows: rows))
        }
        if !existingRowsRuns.isEmpty {
            lines.append("")
            lines.append("PostgreSQL store, orders on a table already holding rows:")
            let header = ["existing rows", "tasks", "requests", "identify/s", "p50 µs", "p99 µs", "round trips"]
            let rows = existingRowsRuns.map { run in
                [
                    "\(run.existingRows)", "\(run.tasks)", "\(run.requests)", Self.format(run.identifiesPerSecond),
                    Self.format(run.p50Microseconds), Self.format(run.p99Microseconds),
                    run.statementsPerIdentify.map { Self.format($0) } ?? "-",
                ]
            }
            lines.append(contentsOf: Self.table(header: header, rows: rows))
        }
        return lines
    }

    private static func table(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                // Text columns left-aligned, numbers right-aligned.
                return index < 2 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        return [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + rows.map(line)
    }
}
