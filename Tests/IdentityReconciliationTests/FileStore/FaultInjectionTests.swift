import Glibc
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// Fails each disk-changing operation of a scripted sequence in turn (once, or from then
/// on; with `EIO` and `ENOSPC`), and makes each write short.
@Suite("File store injected I/O errors")
struct FaultInjectionTests {
    static let faults: [FaultInjectingFileSystem.Fault] = [
        .failOnce(errno: EIO), .failFromThenOn(errno: EIO), .failOnce(errno: ENOSPC), .failFromThenOn(errno: ENOSPC),
    ]

    @Test(arguments: FileContactStore.Durability.allCases)
    func failingEveryOperation(durability: FileContactStore.Durability) async throws {
        let sequence = try await ScriptedSequence(durability: durability)
        let counting = FaultInjectingFileSystem(base: SimulatedFileSystem())
        let full = await sequence.run(on: counting, directory: "/sim")
        try #require(full.error == nil)
        var failures: [String] = []
        for index in 0..<counting.operationCount {
            for fault in Self.faults {
                let disk = SimulatedFileSystem()
                let faulty = FaultInjectingFileSystem(base: disk, faultAt: index, fault: fault)
                let outcome = await sequence.run(on: faulty, directory: "/sim")
                let context = "\(fault) at operation \(index) (\(faulty.log[index]))"
                // A failed compaction that had not renamed its file yet leaves the store as it was.
                let compacting = faulty.log[index].hasSuffix(".compact") || faulty.log[index] == "rename"
                if let error = outcome.error {
                    // The call that hit the fault throws it; but a grouped commit that was synced
                    // before its flush compacted returns, and the next call reports the failure.
                    if let storeError = error as? FileContactStoreError,
                        storeError.code == (fault.errno == ENOSPC ? .diskFull : .ioFailed)
                            || (storeError.code == .unusable && storeError.errno == fault.errno
                                && durability == .grouped && faulty.log[index].hasPrefix("syncDirectory"))
                    {
                    } else {
                        failures.append("\(context): unexpected error \(error)")
                    }
                } else if !(compacting && fault.isOnce) && faulty.log[index] != "unlink"
                    && index < counting.operationCount - 2
                {
                    // (The last two operations write and sync close()'s best-effort final marker.)
                    failures.append("\(context): no error was thrown")
                }
                if let store = outcome.store {
                    // After a failed write or sync the store refuses everything, reads included,
                    // until reopened; after a failed compaction (before its rename) it goes on.
                    do {
                        let rows = try await store.allRows()
                        if !compacting && faulty.log[index] != "unlink" {
                            failures.append("\(context): a read succeeded after the failure")
                        } else if rows != sequence.states[outcome.started] {
                            failures.append("\(context): the store's rows are not those of every request")
                        }
                    } catch let later as FileContactStoreError where later.code == .unusable || later.code == .closed {
                    } catch {
                        failures.append("\(context): a read failed with \(error)")
                    }
                    try? store.close()
                }
                // Reopened on the same (healthy again) disk, and after a power cut.
                if let problem = await sequence.check(reopeningOn: disk, directory: "/sim", outcome: outcome) {
                    failures.append("\(context), reopened: \(problem)")
                }
                if let problem = await sequence.check(reopeningOn: disk.powerCut(), directory: "/sim", outcome: outcome)
                {
                    failures.append("\(context), after a power cut: \(problem)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
    }

    @Test(arguments: FileContactStore.Durability.allCases)
    func shortWrites(durability: FileContactStore.Durability) async throws {
        let sequence = try await ScriptedSequence(durability: durability)
        let counting = FaultInjectingFileSystem(base: SimulatedFileSystem())
        _ = await sequence.run(on: counting, directory: "/sim")
        for index in counting.log.indices where counting.log[index].hasPrefix("write") {
            let disk = SimulatedFileSystem()
            let faulty = FaultInjectingFileSystem(base: disk, faultAt: index, fault: .shortWrite)
            let outcome = await sequence.run(on: faulty, directory: "/sim")
            #expect(outcome.error == nil, "short write at operation \(index): \(String(describing: outcome.error))")
            #expect(outcome.acknowledged == sequence.requests.count)
            let problem = await sequence.check(reopeningOn: disk.powerCut(), directory: "/sim", outcome: outcome)
            #expect(problem == nil, "short write at operation \(index): \(problem ?? "")")
        }
    }
}

extension FaultInjectingFileSystem.Fault {
    var isOnce: Bool {
        if case .failOnce = self { return true }
        return false
    }

    var errno: Int32? {
        switch self {
        case .failOnce(let errno), .failFromThenOn(let errno): errno
        case .shortWrite, .stopAfter: nil
        }
    }
}
