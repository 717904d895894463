import Foundation
import IdentityReconciliation
import PostgresContactStore
import Synchronization

/// Runs workloads against targets.
struct Runner {
    var directory: String

    /// Runs one workload on a new store of `target` with `tasks` concurrent callers.
    func run(_ workload: Workload, on target: Target, tasks: Int) async throws -> RunResult {
        let runDirectory = directory + "/\(target.rawValue)-\(workload.kind.rawValue)-\(tasks)"
        try? FileManager.default.removeItem(atPath: runDirectory)
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: runDirectory) }

        ProcessMetrics.resetPeak()
        let residentBefore = ProcessMetrics.residentBytes()
        let probe = target == .fileImmediate && tasks == 1 ? try InterleavedOverwrites(directory: runDirectory) : nil
        let opened = try await target.open(in: runDirectory)
        let count = workload.requests.count
        let timing: Timing
        let peak: Int
        let residentAfter: Int
        let strings: Int
        do {
            try await load(workload, into: opened.store)
            // A server's background work after the load (autovacuum of the imported rows,
            // the checkpoint writing them) would otherwise land in the timed part.
            try await opened.settle?()
            if let reference = opened.reference {
                timing = try await measure(
                    reference, workload: workload, count: count, tasks: tasks, statements: opened.statements)
            } else {
                timing = try await measureConcrete(
                    opened.store, workload: workload, count: count, tasks: tasks, probe: probe,
                    statements: opened.statements)
            }
            peak = ProcessMetrics.peakResidentBytes()
            ProcessMetrics.trimHeap()
            residentAfter = ProcessMetrics.residentBytes()
            // Read the rows back only after the memory figures are taken.
            strings = try await stringBytes(opened.store)
        } catch {
            // Close the store (a server-side store also drops its schema) before giving up.
            _ = try? await opened.finish()
            throw error
        }
        let contacts = workload.preload.count + timing.inserts
        let fileBytes = try await opened.finish()

        let sorted = timing.latencies.sorted()
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) / 1000
        }
        // A server keeps its rows in its own processes: this process's growth says nothing about them.
        let perContact =
            contacts > 0 && target.keepsRowsInProcess ? Double(residentAfter - residentBefore) / Double(contacts) : nil
        let stringsPerContact = contacts > 0 ? Double(strings) / Double(contacts) : nil
        return RunResult(
            workload: workload.kind, target: target, tasks: tasks, requests: count, seconds: timing.seconds,
            identifiesPerSecond: Double(count) / timing.seconds,
            cpuMicrosecondsPerIdentify: timing.cpuSeconds / Double(count) * 1e6,
            writes: timing.writes, writesPerSecond: Double(timing.writes) / timing.seconds,
            p50Microseconds: percentile(0.50), p99Microseconds: percentile(0.99),
            maxMicroseconds: Double(sorted.last ?? 0) / 1000,
            contacts: contacts, peakRSSBytes: peak,
            rssBytesPerContact: perContact, stringBytesPerContact: stringsPerContact,
            bytesPerContactBeyondStrings: perContact.flatMap { total in stringsPerContact.map { total - $0 } },
            fileBytesPerContact: fileBytes.flatMap { contacts > 0 ? Double($0) / Double(contacts) : nil },
            interleavedOverwritesPerSecond: probe?.overwritesPerSecond, existingRows: workload.preload.count,
            statementsPerIdentify: timing.statements.map { Double($0) / Double(count) })
    }

    struct Timing: Sendable {
        var seconds: Double
        var cpuSeconds: Double = 0
        var latencies: [UInt64]
        var writes: Int
        var inserts: Int
        /// Statements the server ran during the timed part (PostgreSQL targets).
        var statements: Int? = nil
    }

    /// Calls ``measure(_:workload:count:tasks:probe:statements:)`` on the store's concrete type,
    /// whose rows are already loaded.
    ///
    /// An application holds a resolver of a concrete store type. Measured through the
    /// existential instead, every identify would also look up the generic resolver's type
    /// metadata at run time, about a tenth of an in-memory identify's cost.
    func measureConcrete(
        _ store: any ContactStore, workload: Workload, count: Int, tasks: Int, probe: InterleavedOverwrites?,
        statements: StatementCounter?
    ) async throws -> Timing {
        switch store {
        case let store as InMemoryContactStore:
            try await measure(store, workload: workload, count: count, tasks: tasks, probe: probe)
        case let store as FileContactStore:
            try await measure(store, workload: workload, count: count, tasks: tasks, probe: probe)
        case let store as PostgresContactStore:
            try await measure(
                store, workload: workload, count: count, tasks: tasks, probe: probe, statements: statements)
        default:
            try await measure(store, workload: workload, count: count, tasks: tasks, probe: probe)
        }
    }

    /// Loads the workload's rows (``Workload/preload``) into `store`.
    func load(_ workload: Workload, into store: some ContactStore) async throws {
        if !workload.preload.isEmpty { try await IdentityResolver(store: store).importContacts(workload.preload) }
    }

    /// Times `count` requests of the workload on a resolver over `store`, taken in order by
    /// `tasks` concurrent callers; the workload's rows are already loaded.
    ///
    /// With a `probe` (one task only), a burst of durable overwrites runs after every 200
    /// requests; its time is left out of the run's.
    func measure(
        _ store: some ContactStore, workload: Workload, count: Int, tasks: Int, probe: InterleavedOverwrites? = nil,
        statements: StatementCounter? = nil
    ) async throws -> Timing {
        try await measure(
            IdentityResolver(store: store), workload: workload, count: count, tasks: tasks, probe: probe,
            statements: statements)
    }

    /// Times `count` requests of the workload on `identifier`, taken in order by `tasks`
    /// concurrent callers; the workload's rows are already loaded. With `statements`, counts
    /// the server's statements of the timed part.
    func measure(
        _ identifier: some Identifier, workload: Workload, count: Int, tasks: Int,
        probe: InterleavedOverwrites? = nil, statements: StatementCounter? = nil
    ) async throws -> Timing {
        try await statements?.reset()
        let requests = workload.requests
        let next = Counter()
        let cpuStart = ProcessMetrics.cpuSeconds()
        let start = Stopwatch.now()
        let parts = try await withThrowingTaskGroup(of: Timing.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var latencies: [UInt64] = []
                    latencies.reserveCapacity(count / tasks + 64)
                    var writes = 0
                    var inserts = 0
                    var probing: UInt64 = 0
                    while true {
                        let index = next.value.add(1, ordering: .relaxed).oldValue
                        guard index < count else { break }
                        if let probe, index % 200 == 199 { probing += try probe.burst(40) }
                        let request = requests[index]
                        let begin = Stopwatch.now()
                        let result = try await identifier.identify(
                            email: request.email, phoneNumber: request.phoneNumber)
                        latencies.append(Stopwatch.now() - begin)
                        switch result.outcome {
                        case .unchanged: break
                        case .merged: writes += 1
                        case .createdPrimary, .createdSecondary:
                            writes += 1
                            inserts += 1
                        }
                    }
                    return Timing(
                        seconds: Double(probing) / 1e9, latencies: latencies, writes: writes, inserts: inserts)
                }
            }
            var all: [Timing] = []
            for try await part in group { all.append(part) }
            return all
        }
        // A part's `seconds` is the probe time inside it, which is not the store's.
        let seconds = Stopwatch.seconds(since: start) - parts.reduce(0) { $0 + $1.seconds }
        let cpuSeconds = ProcessMetrics.cpuSeconds() - cpuStart
        let statementCount = try await statements?.count()
        var latencies: [UInt64] = []
        latencies.reserveCapacity(count)
        for part in parts { latencies.append(contentsOf: part.latencies) }
        return Timing(
            seconds: seconds, cpuSeconds: cpuSeconds, latencies: latencies,
            writes: parts.reduce(0) { $0 + $1.writes }, inserts: parts.reduce(0) { $0 + $1.inserts },
            statements: statementCount)
    }

    /// UTF-8 bytes of every row's email and phone number.
    private func stringBytes(_ store: some ContactStore) async throws -> Int {
        var total = 0
        var afterID = 0
        while true {
            let page = try await store.contacts(afterID: afterID, limit: 50_000)
            for row in page { total += (row.email?.utf8.count ?? 0) + (row.phoneNumber?.utf8.count ?? 0) }
            guard let last = page.last else { return total }
            afterID = last.id
        }
    }
}
