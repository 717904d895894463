import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

@Suite("File store compaction")
struct CompactionTests {
    static let path = "/sim/" + ScriptedSequence.storeName

    /// A crash (of the process, or of the machine) at every step of a compaction leaves a
    /// store that reopens with every change, and no leftover compaction file.
    @Test func interruptedAtEveryStep() async throws {
        let sequence = try await ScriptedSequence(durability: .immediate, count: 80)
        let prepared = SimulatedFileSystem()
        let outcome = await sequence.run(on: prepared, directory: "/sim")
        try #require(outcome.error == nil)
        let bytes = try #require(prepared.contents(Self.path))
        var options = sequence.options
        options.automaticCompaction = false

        // Count the steps of one compaction.
        let counting = FaultInjectingFileSystem(base: Self.disk(with: bytes))
        let store = try FileContactStore(path: Self.path, options: options, fileSystem: counting)
        let before = counting.operationCount
        try store.compact()
        let steps = counting.operationCount - before
        try store.close()
        #expect(steps >= 5)

        for step in 0..<steps {
            for powerCut in [false, true] {
                let disk = Self.disk(with: bytes)
                let stopping = FaultInjectingFileSystem(base: disk)
                let store = try FileContactStore(path: Self.path, options: options, fileSystem: stopping)
                stopping.inject(.stopAfter, atOperation: stopping.operationCount + step)
                if step < steps - 1 {
                    #expect(throws: FileContactStoreError.self) { try store.compact() }
                } else {
                    try store.compact()
                }
                try? store.close()
                let after = powerCut ? disk.powerCut(keeping: .random(seed: UInt64(step))) : disk
                let reopened = try FileContactStore(path: Self.path, options: options, fileSystem: after)
                #expect(try await reopened.allRows() == sequence.states.last!, "step \(step), power cut \(powerCut)")
                try reopened.verify()
                try reopened.close()
                #expect(!after.names.contains(Self.path + ".compact"), "step \(step): a compaction file was left")
            }
        }
    }

    static func disk(with bytes: [UInt8]) -> SimulatedFileSystem {
        let disk = SimulatedFileSystem()
        disk.setContents(path, bytes)
        return disk
    }

    /// A compacted store needs at most 64 bytes per contact plus its strings; a merge of
    /// two large groups appends one small record.
    @Test func compactedSizeAndMergeSize() async throws {
        let directory = try TemporaryDirectory()
        var options = FileContactStore.Options(durability: .deferred)
        options.automaticCompaction = false
        let store = try FileContactStore(path: directory.file(), options: options)
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
        // Two groups of 500 rows each, every row with both values.
        for index in 0..<500 {
            _ = try await resolver.identify(email: "a\(index)@x.io", phoneNumber: "100")
            _ = try await resolver.identify(email: "b\(index)@x.io", phoneNumber: "200")
        }
        let sizeBefore = store.state.withLock { $0.journal!.writtenEnd }
        let merged = try await resolver.identify(email: "a0@x.io", phoneNumber: "200")
        #expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 2))
        let sizeAfter = store.state.withLock { $0.journal!.writtenEnd }
        #expect(sizeAfter - sizeBefore <= 64, "a merge of 500 rows took \(sizeAfter - sizeBefore) bytes")

        try store.compact()
        let rows = try await store.allRows()
        let strings = rows.reduce(0) { $0 + ($1.email?.utf8.count ?? 0) + ($1.phoneNumber?.utf8.count ?? 0) }
        let dataEnd = store.state.withLock { $0.journal!.writtenEnd }
        #expect(dataEnd <= 64 * rows.count + strings, "\(dataEnd) bytes for \(rows.count) rows")
        try store.close()
        let reopened = try FileContactStore(path: directory.file())
        #expect(try await reopened.allRows() == rows)
        try reopened.close()
    }

    /// Automatic compaction keeps the file proportional to the live data while the journal grows.
    @Test(arguments: FileContactStore.Durability.allCases)
    func automaticCompactionBoundsTheFile(durability: FileContactStore.Durability) async throws {
        let directory = try TemporaryDirectory()
        var options = FileContactStore.Options(durability: durability)
        options.compactionMinimumBytes = 4_096
        options.preallocationBytes = 4_096
        let store = try FileContactStore(path: directory.file(), options: options)
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
        var random = SplitMix64(seed: 5)
        var largest = 0
        for _ in 0..<1_500 {
            let request = random.request(emails: 40, phones: 40)
            _ = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
            largest = max(largest, store.state.withLock { $0.journal!.writtenEnd })
        }
        let rows = try await store.allRows()
        try store.close()
        // 1,500 identifies with merges write far more than this; the live rows need much less.
        #expect(largest <= max(2 * (32 + 40 * rows.count + 10 * rows.count), 4_096) + 4_096)
        let reopened = try FileContactStore(path: directory.file())
        #expect(try await reopened.allRows() == rows)
        try reopened.verify()
        try reopened.close()
    }
}
