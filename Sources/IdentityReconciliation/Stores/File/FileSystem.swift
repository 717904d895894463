/// A failed system call: which one and its `errno`.
struct SystemCallError: Error, Hashable {
    /// The call that failed, for example `"pwrite"`.
    var operation: String
    /// The `errno` it set.
    var errno: Int32
}

/// What ``FileSystem/status(of:)`` and ``FileSystem/status(path:)`` report about a file.
struct FileStatus: Hashable, Sendable {
    /// The file's size in bytes.
    var size: Int
    /// The device and inode, which identify the file (not the name).
    var device: UInt64
    var inode: UInt64
    /// Whether the path names a directory.
    var isDirectory: Bool
}

/// The only way ``FileContactStore`` touches the file system: one small seam of thin
/// system-call wrappers, so tests can replace it to inject short writes, `EIO`,
/// `ENOSPC`, or simulate a power cut.
///
/// Methods do one system call each (retrying `EINTR`); they never loop over short
/// writes — the store does — so a fault injector sees every call the store makes.
///
/// Class-bound so that a ``Journal``, which holds one and is copied out of the store's state
/// and back on every write, is a plain value: copying it retains a reference, where an
/// unconstrained existential is copied through its type's value witnesses.
protocol FileSystem: AnyObject, Sendable {
    /// `open(2)` with `O_CLOEXEC` added. Returns the descriptor.
    func open(_ path: String, flags: Int32, mode: UInt32) throws(SystemCallError) -> Int32
    /// `close(2)`; errors are ignored (the descriptor is gone either way on Linux).
    func close(_ descriptor: Int32)
    /// `pread(2)`: reads up to `buffer.count` bytes at `offset`; returns how many (0 at the end).
    func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) throws(SystemCallError)
        -> Int
    /// `pwrite(2)`: writes up to `bytes.count` bytes at `offset`; returns how many (may be fewer).
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SystemCallError) -> Int
    /// `fdatasync(2)` (or `fsync(2)` when `metadata` is true).
    func sync(_ descriptor: Int32, metadata: Bool) throws(SystemCallError)
    /// `ftruncate(2)`.
    func truncate(_ descriptor: Int32, to length: Int) throws(SystemCallError)
    /// `flock(2)` with `LOCK_NB`: exclusive (`LOCK_EX`) or shared (`LOCK_SH`).
    func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemCallError)
    /// `fstat(2)`.
    func status(of descriptor: Int32) throws(SystemCallError) -> FileStatus
    /// `stat(2)`.
    func status(path: String) throws(SystemCallError) -> FileStatus
    /// `rename(2)`: atomically replaces `destination`.
    func rename(_ source: String, to destination: String) throws(SystemCallError)
    /// `unlink(2)`.
    func unlink(_ path: String) throws(SystemCallError)
    /// Opens the directory read-only, `fsync(2)`s it and closes it: makes creations,
    /// renames and removals of its entries durable.
    func syncDirectory(_ path: String) throws(SystemCallError)
}
