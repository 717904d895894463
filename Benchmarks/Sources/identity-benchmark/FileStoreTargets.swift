import Foundation
import IdentityReconciliation

/// Everything that depends on `FileContactStore`, kept in one file.
enum FileStoreTargets {
    /// The store file inside a run's directory.
    static func storePath(in directory: String) -> String { directory + "/contacts.store" }

    /// Opens a new file store for one of the file targets.
    static func open(_ target: Target, in directory: String) throws -> OpenedTarget {
        let durability: FileContactStore.Durability
        switch target {
        case .fileImmediate: durability = .immediate
        case .fileGrouped: durability = .grouped
        case .fileDeferred: durability = .deferred
        case .memory, .sqliteFull, .sqliteNormal, .postgres, .postgresReference:
            preconditionFailure("\(target) is not a file store")
        }
        let store = try FileContactStore(path: storePath(in: directory), durability: durability)
        return OpenedTarget(
            store: store,
            finish: {
                try store.close()
                // The bytes in use: the store preallocates its file in zero-filled chunks.
                return try usedBytes(storePath(in: directory))
            })
    }

    /// Builds a store of `contacts` rows from order streams (`.deferred`, automatic compaction
    /// off), then measures its size, the time to reopen it, to compact it, to reopen the
    /// compacted file, and to make the graph report of it.
    static func storageFigures(contacts target: Int, seed: UInt64, directory: String) async throws -> StorageFigures {
        let folder = directory + "/storage"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = storePath(in: folder)
        var options = FileContactStore.Options(durability: .deferred)
        options.automaticCompaction = false

        // Generate every request before timing the build.
        var streams: [Workload] = []
        var planned = 0
        var firstCustomer = 0
        while planned < target {
            // Orders create about 0.6 rows per request; distinct customer ranges share no values.
            let size = max(1_000, Int(Double(target - planned) * 1.8))
            let (workload, customers) = Workload.orders(
                requests: size, seed: seed &+ UInt64(streams.count), firstCustomer: firstCustomer)
            firstCustomer += customers
            planned += customers
            streams.append(workload)
        }
        let store = try FileContactStore(path: path, options: options)
        let resolver = IdentityResolver(store: store)
        var inserted = 0
        let buildStart = Stopwatch.now()
        build: for workload in streams {
            for request in workload.requests {
                let result = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
                switch result.outcome {
                case .createdPrimary, .createdSecondary:
                    inserted += 1
                    if inserted == target { break build }
                case .merged, .unchanged: break
                }
            }
        }
        try store.close()
        let build = Stopwatch.seconds(since: buildStart)
        streams = []
        let before = try fileSize(path)

        let reopenJournal = try bestReopen(path, options: options)
        let compacting = try FileContactStore(path: path, options: options)
        let compactStart = Stopwatch.now()
        let compactCPUStart = ProcessMetrics.cpuSeconds()
        try compacting.compact()
        let compaction = Stopwatch.seconds(since: compactStart)
        let compactionCPU = ProcessMetrics.cpuSeconds() - compactCPUStart
        try compacting.close()
        let after = try fileSize(path)
        let reopenCompacted = try bestReopen(path, options: options)

        let reader = try FileContactStore(path: path, durability: .deferred, mode: .readOnly)
        let reportStart = Stopwatch.now()
        let reportCPUStart = ProcessMetrics.cpuSeconds()
        _ = try await IdentityResolver(store: reader).report()
        let graphReport = Stopwatch.seconds(since: reportStart)
        let graphReportCPU = ProcessMetrics.cpuSeconds() - reportCPUStart
        var strings = 0
        var rows = 0
        var afterID = 0
        while true {
            let page = try await reader.contacts(afterID: afterID, limit: 50_000)
            guard let last = page.last else { break }
            for row in page { strings += (row.email?.utf8.count ?? 0) + (row.phoneNumber?.utf8.count ?? 0) }
            rows += page.count
            afterID = last.id
        }
        try reader.close()
        let stringsPerContact = Double(strings) / Double(rows)
        return StorageFigures(
            contacts: rows, stringBytesPerContact: stringsPerContact,
            seconds: StorageSeconds(
                build: build, reopenJournal: reopenJournal.wall, compaction: compaction,
                reopenCompacted: reopenCompacted.wall, reopenJournalCPU: reopenJournal.cpu,
                compactionCPU: compactionCPU, reopenCompactedCPU: reopenCompacted.cpu, graphReport: graphReport,
                graphReportCPU: graphReportCPU),
            bytesBeforeCompaction: before, bytesAfterCompaction: after,
            bytesPerContactBeforeCompaction: Double(before) / Double(rows),
            bytesPerContactAfterCompaction: Double(after) / Double(rows),
            bytesPerContactBeyondStringsAfterCompaction: Double(after) / Double(rows) - stringsPerContact)
    }

    /// The fastest of three opens of the file (page cache warm), in wall-clock and CPU seconds.
    private static func bestReopen(
        _ path: String, options: FileContactStore.Options
    ) throws -> (wall: Double, cpu: Double) {
        var best = (wall: Double.infinity, cpu: Double.infinity)
        for _ in 0..<3 {
            let start = Stopwatch.now()
            let cpuStart = ProcessMetrics.cpuSeconds()
            let store = try FileContactStore(path: path, options: options)
            best.wall = min(best.wall, Stopwatch.seconds(since: start))
            best.cpu = min(best.cpu, ProcessMetrics.cpuSeconds() - cpuStart)
            try store.close()
        }
        return best
    }

    /// Bytes appended to the file by one merge that demotes a group of each size.
    ///
    /// For each k: an old single contact, then a group of k rows (one primary, k − 1
    /// secondaries sharing its phone number), synced; then one request that links the group's
    /// phone number to the single's email, so the whole group is demoted. The store
    /// preallocates its file in zero-filled chunks, so the bytes in use end after the last
    /// non-zero byte.
    static func mergeGrowth(groupSizes: [Int], directory: String) async throws -> [MergeGrowth] {
        var result: [MergeGrowth] = []
        for members in groupSizes {
            let folder = directory + "/merge-growth-\(members)"
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let path = storePath(in: folder)
            let store = try FileContactStore(path: path, durability: .deferred)
            let resolver = IdentityResolver(store: store)
            _ = try await resolver.identify(email: "old@growth.example", phoneNumber: "+1000")
            _ = try await resolver.identify(email: "group@growth.example", phoneNumber: "+2000")
            for index in 1..<members {
                _ = try await resolver.identify(email: "member\(index)@growth.example", phoneNumber: "+2000")
            }
            try store.sync()
            let before = try usedBytes(path)
            let merge = try await resolver.identify(email: "old@growth.example", phoneNumber: "+2000")
            guard merge.outcome == .merged(primaryID: 1, demotedPrimaryID: 2),
                merge.contact.secondaryContactIDs.count == members
            else {
                throw MergeCheckError(
                    message: "expected group 2 of \(members) rows demoted into 1, got \(merge.outcome)")
            }
            try store.sync()
            let after = try usedBytes(path)
            try store.close()
            result.append(MergeGrowth(members: members, bytesAppended: after - before))
        }
        return result
    }

    struct MergeCheckError: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { "merge-growth check: \(message)" }
    }

    private static func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// The offset just past the last non-zero byte of the file.
    private static func usedBytes(_ path: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { bytes in
            var end = bytes.count
            while end > 0 && bytes[end - 1] == 0 { end -= 1 }
            return end
        }
    }
}
