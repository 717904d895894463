import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine's cheapest durable write, measured in the same run as the stores.
///
/// `overwrite`: write 100 bytes into already-allocated, already-synced file space and
/// `fdatasync`, in a loop — the least a store can do to make one change durable.
/// `append`: the same 100 bytes appended to a growing file, so each sync must also flush
/// the file's new size (what a journal without preallocation pays).
struct DurableWriteProbe {
    struct Result: Codable, Sendable {
        /// Durable overwrites per second.
        var overwritesPerSecond: Double
        /// Mean microseconds per overwrite + `fdatasync`.
        var overwriteMicroseconds: Double
        /// Durable appends per second.
        var appendsPerSecond: Double
        /// Mean microseconds per append + `fdatasync`.
        var appendMicroseconds: Double
        /// Iterations of each loop.
        var iterations: Int
    }

    struct ProbeError: Error, Equatable, CustomStringConvertible {
        var operation: String
        var path: String
        var errno: Int32
        var description: String { "durable-write probe: \(operation) failed on \(path): errno \(errno)" }
    }

    var directory: String
    var iterations: Int

    func run() throws -> Result {
        let overwrite = try loop(name: "probe-overwrite", preallocate: true)
        let append = try loop(name: "probe-append", preallocate: false)
        return Result(
            overwritesPerSecond: Double(iterations) / overwrite,
            overwriteMicroseconds: overwrite / Double(iterations) * 1e6,
            appendsPerSecond: Double(iterations) / append,
            appendMicroseconds: append / Double(iterations) * 1e6,
            iterations: iterations)
    }

    /// Runs one loop and returns its duration in seconds.
    private func loop(name: String, preallocate: Bool) throws -> Double {
        let path = directory + "/" + name
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ProbeError(operation: "open", path: path, errno: errno) }
        defer {
            close(fd)
            unlink(path)
        }
        let record = [UInt8](repeating: 0x5A, count: 100)
        let slots = 4096
        if preallocate {
            // Real zero blocks, written and synced, so the loop never allocates or changes the size.
            let zeros = [UInt8](repeating: 0, count: slots * 100)
            try Self.write(fd, zeros, at: 0, path: path)
            guard fsync(fd) == 0 else { throw ProbeError(operation: "fsync", path: path, errno: errno) }
        }
        let start = Stopwatch.now()
        for index in 0..<iterations {
            let offset = preallocate ? (index % slots) * 100 : index * 100
            try Self.write(fd, record, at: offset, path: path)
            guard fdatasync(fd) == 0 else { throw ProbeError(operation: "fdatasync", path: path, errno: errno) }
        }
        return Stopwatch.seconds(since: start)
    }

    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws {
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw ProbeError(operation: "pwrite", path: path, errno: errno)
            }
            done += written
        }
    }
}
