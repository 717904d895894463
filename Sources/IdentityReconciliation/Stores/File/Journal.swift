#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The open store file and where its bytes stand: written, synced, preallocated.
///
/// A value type: ``FileContactStore`` keeps it in its locked state. Every write goes
/// through ``write(_:)``, which preallocates the file in chunks of zeros first, so that
/// later syncs overwrite allocated space and do not also have to flush a new file size.
struct Journal: Sendable {
    let fileSystem: any FileSystem
    var path: String
    var descriptor: Int32
    /// Bytes before this offset have been written (not necessarily synced); records are appended here.
    var writtenEnd: Int
    /// Bytes before this offset are on stable storage.
    var syncedEnd: Int
    /// The file's size: the bytes from ``writtenEnd`` up to here are zeros.
    var allocatedEnd: Int
    /// The synced offset recorded by the last sync marker written.
    var markedEnd: Int
    /// The smallest preallocation step.
    let chunk: Int

    /// Writes all of `bytes` at ``writtenEnd``, preallocating first when needed; loops over short writes.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(FileContactStoreError) {
        guard bytes.count > 0 else { return }
        let needed = writtenEnd + bytes.count
        if needed > allocatedEnd {
            // Grow by at least a chunk and by an eighth of the file, so large stores grow rarely.
            let step = max(chunk, writtenEnd / 8)
            let target = (needed + step - 1) / step * step
            try writeZeros(from: allocatedEnd, to: target)
            allocatedEnd = target
        }
        try writeAll(bytes, at: writtenEnd)
        writtenEnd = needed
    }

    /// Writes all of `bytes` at ``writtenEnd`` (see ``write(_:)-(UnsafeRawBufferPointer)``).
    mutating func write(_ bytes: [UInt8]) throws(FileContactStoreError) {
        var result: Result<Void, FileContactStoreError> = .success(())
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(FileContactStoreError) in try write(buffer) }
        }
        try result.get()
    }

    /// Writes all of `bytes` at `offset`.
    func writeAll(_ bytes: [UInt8], at offset: Int) throws(FileContactStoreError) {
        var result: Result<Void, FileContactStoreError> = .success(())
        bytes.withUnsafeBytes { buffer in
            result = Result { () throws(FileContactStoreError) in try writeAll(buffer, at: offset) }
        }
        try result.get()
    }

    /// Writes all of `bytes` at `offset`.
    func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileContactStoreError) {
        var done = 0
        while done < bytes.count {
            let count: Int
            do {
                count = try fileSystem.write(
                    descriptor, UnsafeRawBufferPointer(rebasing: bytes[done...]), at: offset + done)
            } catch {
                throw Self.error(error, path: path, offset: offset + done, doing: "writing")
            }
            guard count > 0 else {
                throw FileContactStoreError(
                    code: .ioFailed, path: path, offset: offset + done, message: "a write made no progress")
            }
            done += count
        }
    }

    private static let zeros = [UInt8](repeating: 0, count: 1 << 20)

    private func writeZeros(from start: Int, to end: Int) throws(FileContactStoreError) {
        var offset = start
        while offset < end {
            let count = min(Self.zeros.count, end - offset)
            var result: Result<Void, FileContactStoreError> = .success(())
            Self.zeros.withUnsafeBytes { zeros in
                result = Result { () throws(FileContactStoreError) in
                    try writeAll(UnsafeRawBufferPointer(rebasing: zeros[0..<count]), at: offset)
                }
            }
            try result.get()
            offset += count
        }
    }

    /// Makes everything written durable (`fdatasync`).
    mutating func sync() throws(FileContactStoreError) {
        guard syncedEnd < writtenEnd else { return }
        do {
            try fileSystem.sync(descriptor, metadata: false)
        } catch {
            throw Self.error(error, path: path, offset: nil, doing: "syncing")
        }
        syncedEnd = writtenEnd
    }

    /// After a failed write or sync: drops the bytes that may not be durable, so that a
    /// reopen cannot see them while the disk may not hold them. Best effort.
    func discardUnsyncedTail() {
        guard (try? fileSystem.truncate(descriptor, to: syncedEnd)) != nil else { return }
        try? fileSystem.sync(descriptor, metadata: true)
    }

    /// The typed error for a failed system call.
    static func error(_ error: SystemCallError, path: String, offset: Int?, doing what: String) -> FileContactStoreError
    {
        let code: FileContactStoreError.Code
        switch error.errno {
        case ENOSPC, EDQUOT: code = .diskFull
        case EACCES, EPERM, EROFS: code = .permissionDenied
        case ENOENT, ENOTDIR: code = .notFound
        case EISDIR: code = .isDirectory
        case EWOULDBLOCK: code = .alreadyLocked
        default: code = .ioFailed
        }
        let reason = String(cString: strerror(error.errno))
        return FileContactStoreError(
            code: code, path: path, offset: offset, errno: error.errno,
            message: "\(what) failed: \(error.operation): \(reason)")
    }
}
