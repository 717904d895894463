import Foundation
import IdentityReconciliation

/// Everything that depends on `FileContactStore`, kept in one file.
enum FileStoreTargets {
    /// Opens a new file store for one of the file targets.
    static func open(_ target: Target, in directory: String) throws -> OpenedTarget {
        throw TargetUnavailable(target: target, reason: "FileContactStore has not landed in this build")
    }

    /// Builds a store of `contacts` rows and measures reopen, compaction and file sizes.
    static func storageFigures(contacts: Int, seed: UInt64, directory: String) async throws -> StorageFigures {
        throw TargetUnavailable(target: .fileDeferred, reason: "FileContactStore has not landed in this build")
    }

    /// Bytes appended by one merge that demotes a group of each size.
    static func mergeGrowth(groupSizes: [Int], directory: String) async throws -> [MergeGrowth] {
        throw TargetUnavailable(target: .fileImmediate, reason: "FileContactStore has not landed in this build")
    }
}
