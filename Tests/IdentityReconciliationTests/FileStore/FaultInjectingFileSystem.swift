import Glibc
import Synchronization

@testable import IdentityReconciliation

/// Wraps a ``FileSystem`` and makes chosen operations fail, for testing the store's
/// handling of `EIO`, `ENOSPC`, short writes and power cuts.
///
/// Counts the operations that change what is on disk — writes, syncs, truncations,
/// renames, unlinks and directory syncs — numbering them from 0.
final class FaultInjectingFileSystem: FileSystem {
    /// What happens at the chosen operation.
    enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// The operation fails with this errno, once.
        case failOnce(errno: Int32)
        /// The operation and every later one fail with this errno.
        case failFromThenOn(errno: Int32)
        /// A write writes only half its bytes (at least one); other operations are unaffected.
        case shortWrite
        /// The machine stops after the operation completes: every later operation fails with `EIO`.
        case stopAfter

        var description: String {
            switch self {
            case .failOnce(let errno): "fail once with errno \(errno)"
            case .failFromThenOn(let errno): "fail from then on with errno \(errno)"
            case .shortWrite: "short write"
            case .stopAfter: "stop after"
            }
        }
    }

    private struct State {
        var faultIndex: Int?
        var fault: Fault?
        var count = 0
        var failing: Int32?
        var log: [String] = []
        var names: [Int32: String] = [:]
        var holdingSyncs = false
    }

    let base: any FileSystem
    /// When true, directory syncs do nothing (to prove that tests notice a missing one).
    let dropsDirectorySyncs: Bool
    private let state = Mutex(State())

    init(base: any FileSystem, faultAt index: Int? = nil, fault: Fault? = nil, dropsDirectorySyncs: Bool = false) {
        self.base = base
        self.dropsDirectorySyncs = dropsDirectorySyncs
        state.withLock { state in
            state.faultIndex = index
            state.fault = fault
        }
    }

    /// Sets the fault and the operation number it hits.
    func inject(_ fault: Fault, atOperation index: Int) {
        state.withLock { state in
            state.faultIndex = index
            state.fault = fault
        }
    }

    /// While `true`, every file sync waits (the disk is slow); directory syncs are not held.
    func holdSyncs(_ holding: Bool) {
        state.withLock { $0.holdingSyncs = holding }
    }

    /// How many counted operations ran (or were attempted).
    var operationCount: Int { state.withLock { $0.count } }
    /// The counted operations, by name.
    var log: [String] { state.withLock { $0.log } }
    /// Whether the fault has been hit.
    var faultHit: Bool { state.withLock { state in state.faultIndex.map { state.count > $0 } ?? false } }

    /// Decides the fate of a counted operation: nil to run it, or an errno to fail it with.
    /// `short` is set for a short write.
    private func next(_ name: String, short: inout Bool) -> Int32? {
        state.withLock { state in
            let index = state.count
            state.count += 1
            state.log.append(name)
            if let failing = state.failing { return failing }
            guard index == state.faultIndex, let fault = state.fault else { return nil }
            switch fault {
            case .failOnce(let errno):
                return errno
            case .failFromThenOn(let errno):
                state.failing = errno
                return errno
            case .shortWrite:
                short = true
                return nil
            case .stopAfter:
                state.failing = EIO
                return nil
            }
        }
    }

    private func check(_ name: String) throws(SystemCallError) {
        var short = false
        if let errno = next(name, short: &short) { throw SystemCallError(operation: name, errno: errno) }
    }

    private var failing: Int32? { state.withLock { $0.failing } }

    func open(_ path: String, flags: Int32, mode: UInt32) throws(SystemCallError) -> Int32 {
        if let failing { throw SystemCallError(operation: "open", errno: failing) }
        let descriptor = try base.open(path, flags: flags, mode: mode)
        state.withLock { $0.names[descriptor] = String(path.split(separator: "/").last ?? "") }
        return descriptor
    }

    private func name(_ descriptor: Int32) -> String {
        state.withLock { $0.names[descriptor] ?? "?" }
    }

    func close(_ descriptor: Int32) { base.close(descriptor) }

    func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) throws(SystemCallError)
        -> Int
    {
        if let failing { throw SystemCallError(operation: "pread", errno: failing) }
        return try base.read(descriptor, into: buffer, at: offset)
    }

    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SystemCallError) -> Int {
        var short = false
        if let errno = next("write \(name(descriptor))", short: &short) {
            throw SystemCallError(operation: "pwrite", errno: errno)
        }
        if short && bytes.count > 1 {
            return try base.write(
                descriptor, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]), at: offset)
        }
        return try base.write(descriptor, bytes, at: offset)
    }

    func sync(_ descriptor: Int32, metadata: Bool) throws(SystemCallError) {
        try check((metadata ? "fsync " : "fdatasync ") + name(descriptor))
        while state.withLock({ $0.holdingSyncs }) { usleep(1_000) }
        try base.sync(descriptor, metadata: metadata)
    }

    func truncate(_ descriptor: Int32, to length: Int) throws(SystemCallError) {
        try check("ftruncate " + name(descriptor))
        try base.truncate(descriptor, to: length)
    }

    func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemCallError) {
        try base.lock(descriptor, exclusive: exclusive)
    }

    func status(of descriptor: Int32) throws(SystemCallError) -> FileStatus {
        try base.status(of: descriptor)
    }

    func status(path: String) throws(SystemCallError) -> FileStatus {
        try base.status(path: path)
    }

    func rename(_ source: String, to destination: String) throws(SystemCallError) {
        try check("rename")
        try base.rename(source, to: destination)
    }

    func unlink(_ path: String) throws(SystemCallError) {
        try check("unlink")
        try base.unlink(path)
    }

    func syncDirectory(_ path: String) throws(SystemCallError) {
        try check("syncDirectory")
        if dropsDirectorySyncs { return }
        try base.syncDirectory(path)
    }
}
