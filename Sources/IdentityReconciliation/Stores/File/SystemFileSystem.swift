#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C functions under names that the methods below do not shadow.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func systemRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
private func systemUnlink(_ path: String) -> Int32 { unlink(path) }
private func dataSync(_ descriptor: Int32) -> Int32 {
    #if os(Linux)
    fdatasync(descriptor)
    #else
    fsync(descriptor)
    #endif
}

/// The real file system, through Glibc (or Darwin) system calls.
final class SystemFileSystem: FileSystem {
    func open(_ path: String, flags: Int32, mode: UInt32) throws(SystemCallError) -> Int32 {
        while true {
            let descriptor = systemOpen(path, flags | O_CLOEXEC, mode_t(mode))
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw SystemCallError(operation: "open", errno: errno) }
        }
    }

    func close(_ descriptor: Int32) {
        _ = systemClose(descriptor)
    }

    func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) throws(SystemCallError)
        -> Int
    {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { throw SystemCallError(operation: "pread", errno: errno) }
        }
    }

    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) throws(SystemCallError) -> Int {
        while true {
            let count = pwrite(descriptor, bytes.baseAddress, bytes.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { throw SystemCallError(operation: "pwrite", errno: errno) }
        }
    }

    func sync(_ descriptor: Int32, metadata: Bool) throws(SystemCallError) {
        // Never retried after a real failure: Linux may already have dropped the dirty pages.
        while true {
            let result = metadata ? fsync(descriptor) : dataSync(descriptor)
            if result == 0 { return }
            if errno != EINTR { throw SystemCallError(operation: metadata ? "fsync" : "fdatasync", errno: errno) }
        }
    }

    func truncate(_ descriptor: Int32, to length: Int) throws(SystemCallError) {
        while true {
            if ftruncate(descriptor, off_t(length)) == 0 { return }
            if errno != EINTR { throw SystemCallError(operation: "ftruncate", errno: errno) }
        }
    }

    func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemCallError) {
        while true {
            if flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 { return }
            if errno != EINTR { throw SystemCallError(operation: "flock", errno: errno) }
        }
    }

    func status(of descriptor: Int32) throws(SystemCallError) -> FileStatus {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemCallError(operation: "fstat", errno: errno) }
        return Self.status(info)
    }

    func status(path: String) throws(SystemCallError) -> FileStatus {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SystemCallError(operation: "stat", errno: errno) }
        return Self.status(info)
    }

    private static func status(_ info: stat) -> FileStatus {
        FileStatus(
            size: Int(info.st_size), device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
            isDirectory: (info.st_mode & S_IFMT) == S_IFDIR)
    }

    func rename(_ source: String, to destination: String) throws(SystemCallError) {
        guard systemRename(source, destination) == 0 else { throw SystemCallError(operation: "rename", errno: errno) }
    }

    func unlink(_ path: String) throws(SystemCallError) {
        guard systemUnlink(path) == 0 else { throw SystemCallError(operation: "unlink", errno: errno) }
    }

    func syncDirectory(_ path: String) throws(SystemCallError) {
        let descriptor = try open(path, flags: O_RDONLY | O_DIRECTORY, mode: 0)
        defer { close(descriptor) }
        try sync(descriptor, metadata: true)
    }
}
