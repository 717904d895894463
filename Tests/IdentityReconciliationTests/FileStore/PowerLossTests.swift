import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// Cuts the power after every disk-changing operation of a scripted sequence, on the
/// simulated file system, and checks that the store reopens with every acknowledged change.
@Suite("File store power loss")
struct PowerLossTests {
    /// Runs the sequence cut at every operation, keeping none or a random part of the
    /// unsynced writes; returns the failures.
    static func failures(
        _ sequence: ScriptedSequence, dropsDirectorySyncs: Bool = false, stopAtFirst: Bool = false
    ) async -> [String] {
        let counting = FaultInjectingFileSystem(base: SimulatedFileSystem())
        let full = await sequence.run(on: counting, directory: "/sim")
        guard full.error == nil else { return ["the uninterrupted sequence failed: \(full.error!)"] }
        var failures: [String] = []
        for cut in 0..<counting.operationCount {
            let disk = SimulatedFileSystem()
            let faulty = FaultInjectingFileSystem(
                base: disk, faultAt: cut, fault: .stopAfter, dropsDirectorySyncs: dropsDirectorySyncs)
            let outcome = await sequence.run(on: faulty, directory: "/sim")
            let policies: [SimulatedFileSystem.UnsyncedPolicy] = [.none, .random(seed: UInt64(cut) + 1)]
            for (index, policy) in policies.enumerated() {
                let after = disk.powerCut(keeping: policy)
                if let problem = await sequence.check(reopeningOn: after, directory: "/sim", outcome: outcome) {
                    failures.append(
                        "cut after operation \(cut) (\(faulty.log.prefix(cut + 1).last ?? "?")), "
                            + "unsynced writes \(index == 0 ? "dropped" : "partly kept"): \(problem)")
                    if stopAtFirst { return failures }
                }
            }
        }
        return failures
    }

    @Test(arguments: FileContactStore.Durability.allCases)
    func powerCutAfterEveryOperation(durability: FileContactStore.Durability) async throws {
        let sequence = try await ScriptedSequence(durability: durability)
        let failures = await Self.failures(sequence)
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
    }

    /// The check above must notice a store that does not sync its directory after creating
    /// the file or renaming a compaction over it.
    @Test func missingDirectorySyncIsNoticed() async throws {
        let sequence = try await ScriptedSequence(durability: .immediate)
        let failures = await Self.failures(sequence, dropsDirectorySyncs: true, stopAtFirst: true)
        #expect(!failures.isEmpty)
    }
}
