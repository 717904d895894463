import Glibc
import IdentityReconciliationTesting
import Synchronization

@testable import IdentityReconciliation

/// An in-memory file system for one directory that models what survives a power cut: only
/// file data that was synced, and only directory entries (creations, renames, removals)
/// whose directory was synced.
///
/// ``powerCut(keeping:)`` returns the file system as it would be after the machine lost
/// power. Between syncs, writes and truncations are remembered as *unsynced operations*;
/// a cut drops them all (``UnsyncedPolicy/none``), or keeps a random subset, some torn
/// (``UnsyncedPolicy/random(seed:)``), as a disk writing back pages in any order would.
final class SimulatedFileSystem: FileSystem {
    enum UnsyncedPolicy {
        case none
        case random(seed: UInt64)
    }

    private enum Operation {
        case write(offset: Int, bytes: [UInt8])
        case truncate(length: Int)
    }

    private struct File {
        var data: [UInt8] = []
        /// What is on stable storage.
        var durable: [UInt8] = []
        /// Changes since the last sync, in order.
        var unsynced: [Operation] = []
    }

    private struct Descriptor {
        var inode: Int
        var writable: Bool
        var lock: Bool?  // nil: none; true: exclusive; false: shared
    }

    private struct State {
        var files: [Int: File] = [:]
        var entries: [String: Int] = [:]
        var durableEntries: [String: Int] = [:]
        var descriptors: [Int32: Descriptor] = [:]
        var nextInode = 1
        var nextDescriptor: Int32 = 100
    }

    /// The only directory.
    let directory: String
    private let state: Mutex<State>

    init(directory: String = "/sim") {
        self.directory = directory
        state = Mutex(State())
    }

    private init(directory: String, state: State) {
        self.directory = directory
        self.state = Mutex(state)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// The names in the directory now (not necessarily durable).
    var names: [String] { state.withLock { Array($0.entries.keys).sorted() } }

    /// The current bytes of a file (page-cache view), or nil.
    func contents(_ path: String) -> [UInt8]? {
        state.withLock { state in state.entries[path].flatMap { state.files[$0]?.data } }
    }

    /// Replaces a file's bytes as durable content (for setting up tests).
    func setContents(_ path: String, _ bytes: [UInt8]) {
        state.withLock { state in
            let inode = state.entries[path] ?? state.nextInode
            if state.entries[path] == nil { state.nextInode += 1 }
            state.entries[path] = inode
            state.durableEntries[path] = inode
            state.files[inode] = File(data: bytes, durable: bytes, unsynced: [])
        }
    }

    /// The file system after a power cut: durable entries and durable data, plus (randomly)
    /// some unsynced operations. Open descriptors and locks are gone.
    func powerCut(keeping policy: UnsyncedPolicy = .none) -> SimulatedFileSystem {
        state.withLock { state in
            var random: SplitMix64?
            if case .random(let seed) = policy { random = SplitMix64(seed: seed) }
            var after = State()
            after.nextInode = state.nextInode
            after.entries = state.durableEntries
            after.durableEntries = state.durableEntries
            for inode in Set(state.durableEntries.values) {
                guard let file = state.files[inode] else { continue }
                var data = file.durable
                if var generator = random {
                    for operation in file.unsynced where generator.next() % 2 == 0 {
                        switch operation {
                        case .write(let offset, let bytes):
                            // Sometimes only a prefix of a write reaches the disk.
                            let kept =
                                generator.next() % 3 == 0
                                ? Int(generator.next() % UInt64(bytes.count + 1)) : bytes.count
                            Self.apply(.write(offset: offset, bytes: Array(bytes.prefix(kept))), to: &data)
                        case .truncate:
                            Self.apply(operation, to: &data)
                        }
                    }
                    random = generator
                }
                after.files[inode] = File(data: data, durable: data, unsynced: [])
            }
            return SimulatedFileSystem(directory: directory, state: after)
        }
    }

    private static func apply(_ operation: Operation, to data: inout [UInt8]) {
        switch operation {
        case .write(let offset, let bytes):
            if data.count < offset + bytes.count {
                data.append(contentsOf: repeatElement(0, count: offset + bytes.count - data.count))
            }
            data.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        case .truncate(let length):
            if length < data.count {
                data.removeSubrange(length...)
            } else {
                data.append(contentsOf: repeatElement(0, count: length - data.count))
            }
        }
    }

    // MARK: - FileSystem

    func open(_ path: String, flags: Int32, mode: UInt32) throws(SystemCallError) -> Int32 {
        try state.withLock { (state) throws(SystemCallError) -> Int32 in
            let writable = flags & O_ACCMODE != O_RDONLY
            if path == directory {
                if writable { throw SystemCallError(operation: "open", errno: EISDIR) }
                let descriptor = state.nextDescriptor
                state.nextDescriptor += 1
                state.descriptors[descriptor] = Descriptor(inode: 0, writable: false, lock: nil)
                return descriptor
            }
            guard Self.parent(of: path) == directory else { throw SystemCallError(operation: "open", errno: ENOENT) }
            var inode = state.entries[path]
            if inode == nil {
                guard flags & O_CREAT != 0 else { throw SystemCallError(operation: "open", errno: ENOENT) }
                inode = state.nextInode
                state.nextInode += 1
                state.entries[path] = inode
                state.files[inode!] = File()
            } else if flags & O_TRUNC != 0 {
                state.files[inode!]!.data = []
                state.files[inode!]!.unsynced.append(.truncate(length: 0))
            }
            let descriptor = state.nextDescriptor
            state.nextDescriptor += 1
            state.descriptors[descriptor] = Descriptor(inode: inode!, writable: writable, lock: nil)
            return descriptor
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    func close(_ descriptor: Int32) {
        state.withLock { _ = $0.descriptors.removeValue(forKey: descriptor) }
    }

    func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) throws(SystemCallError)
        -> Int
    {
        try state.withLock { (state) throws(SystemCallError) -> Int in
            guard let open = state.descriptors[descriptor], let file = state.files[open.inode] else {
                throw SystemCallError(operation: "pread", errno: EBADF)
            }
            guard offset < file.data.count else { return 0 }
            let count = min(buffer.count, file.data.count - offset)
            file.data.withUnsafeBytes { bytes in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
            }
            return count
        }
    }

    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SystemCallError) -> Int {
        try state.withLock { (state) throws(SystemCallError) -> Int in
            guard let open = state.descriptors[descriptor], open.writable, state.files[open.inode] != nil else {
                throw SystemCallError(operation: "pwrite", errno: EBADF)
            }
            let operation = Operation.write(offset: offset, bytes: Array(bytes))
            Self.apply(operation, to: &state.files[open.inode]!.data)
            state.files[open.inode]!.unsynced.append(operation)
            return bytes.count
        }
    }

    func sync(_ descriptor: Int32, metadata: Bool) throws(SystemCallError) {
        try state.withLock { (state) throws(SystemCallError) in
            guard let open = state.descriptors[descriptor], state.files[open.inode] != nil else {
                throw SystemCallError(operation: "fsync", errno: EBADF)
            }
            state.files[open.inode]!.durable = state.files[open.inode]!.data
            state.files[open.inode]!.unsynced = []
        }
    }

    func truncate(_ descriptor: Int32, to length: Int) throws(SystemCallError) {
        try state.withLock { (state) throws(SystemCallError) in
            guard let open = state.descriptors[descriptor], open.writable, state.files[open.inode] != nil else {
                throw SystemCallError(operation: "ftruncate", errno: EBADF)
            }
            Self.apply(.truncate(length: length), to: &state.files[open.inode]!.data)
            state.files[open.inode]!.unsynced.append(.truncate(length: length))
        }
    }

    func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemCallError) {
        try state.withLock { (state) throws(SystemCallError) in
            guard let open = state.descriptors[descriptor] else {
                throw SystemCallError(operation: "flock", errno: EBADF)
            }
            for (other, holder) in state.descriptors
            where other != descriptor && holder.inode == open.inode && holder.lock != nil {
                if exclusive || holder.lock == true { throw SystemCallError(operation: "flock", errno: EWOULDBLOCK) }
            }
            state.descriptors[descriptor]!.lock = exclusive
        }
    }

    func status(of descriptor: Int32) throws(SystemCallError) -> FileStatus {
        try state.withLock { (state) throws(SystemCallError) -> FileStatus in
            guard let open = state.descriptors[descriptor] else {
                throw SystemCallError(operation: "fstat", errno: EBADF)
            }
            if open.inode == 0 { return FileStatus(size: 0, device: 1, inode: 0, isDirectory: true) }
            return FileStatus(
                size: state.files[open.inode]!.data.count, device: 1, inode: UInt64(open.inode), isDirectory: false)
        }
    }

    func status(path: String) throws(SystemCallError) -> FileStatus {
        try state.withLock { (state) throws(SystemCallError) -> FileStatus in
            if path == directory { return FileStatus(size: 0, device: 1, inode: 0, isDirectory: true) }
            guard let inode = state.entries[path] else { throw SystemCallError(operation: "stat", errno: ENOENT) }
            return FileStatus(size: state.files[inode]!.data.count, device: 1, inode: UInt64(inode), isDirectory: false)
        }
    }

    func rename(_ source: String, to destination: String) throws(SystemCallError) {
        try state.withLock { (state) throws(SystemCallError) in
            guard let inode = state.entries.removeValue(forKey: source) else {
                throw SystemCallError(operation: "rename", errno: ENOENT)
            }
            state.entries[destination] = inode
        }
    }

    func unlink(_ path: String) throws(SystemCallError) {
        try state.withLock { (state) throws(SystemCallError) in
            guard state.entries.removeValue(forKey: path) != nil else {
                throw SystemCallError(operation: "unlink", errno: ENOENT)
            }
        }
    }

    func syncDirectory(_ path: String) throws(SystemCallError) {
        try state.withLock { (state) throws(SystemCallError) in
            guard path == directory else { throw SystemCallError(operation: "open", errno: ENOENT) }
            state.durableEntries = state.entries
        }
    }
}
