import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The overwrite probe in short bursts between a store's requests, so that the store and
/// the probe are measured on the same disk in the same seconds. A shared disk's sync time
/// drifts by a factor of two between minutes; a ratio against a probe taken minutes
/// earlier measures that drift as much as the store.
final class InterleavedOverwrites: Sendable {
    private struct State {
        var descriptor: Int32
        var next = 0
        var seconds = 0.0
        var count = 0
    }

    private static let slots = 4096
    private let path: String
    private let state: Mutex<State>

    /// Creates the probe file in `directory`: real zero blocks, written and synced.
    init(directory: String) throws {
        path = directory + "/probe-interleaved"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DurableWriteProbe.ProbeError(operation: "open", path: path, errno: errno) }
        state = Mutex(State(descriptor: fd))
        try DurableWriteProbe.write(fd, [UInt8](repeating: 0, count: Self.slots * 100), at: 0, path: path)
        guard fsync(fd) == 0 else { throw DurableWriteProbe.ProbeError(operation: "fsync", path: path, errno: errno) }
    }

    /// Runs `count` overwrites of 100 bytes, each followed by `fdatasync`.
    ///
    /// - Returns: The nanoseconds the burst took, to leave out of the store's time.
    func burst(_ count: Int) throws -> UInt64 {
        try state.withLock { state in
            let record = [UInt8](repeating: 0x5A, count: 100)
            let start = Stopwatch.now()
            for _ in 0..<count {
                try DurableWriteProbe.write(state.descriptor, record, at: state.next * 100, path: path)
                guard fdatasync(state.descriptor) == 0 else {
                    throw DurableWriteProbe.ProbeError(operation: "fdatasync", path: path, errno: errno)
                }
                state.next = (state.next + 1) % Self.slots
            }
            let elapsed = Stopwatch.now() - start
            state.seconds += Double(elapsed) / 1e9
            state.count += count
            return elapsed
        }
    }

    /// Overwrites per second over every burst so far; `nil` before the first.
    var overwritesPerSecond: Double? {
        state.withLock { $0.count > 0 ? Double($0.count) / $0.seconds : nil }
    }

    deinit {
        state.withLock { state in
            close(state.descriptor)
            unlink(path)
        }
    }
}
