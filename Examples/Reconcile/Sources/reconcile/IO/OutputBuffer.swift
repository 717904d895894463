#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects output bytes and writes them to a file descriptor in large writes.
///
/// Append to ``bytes``, then call ``endLine()``: it writes once the buffer passes
/// ``flushThreshold`` bytes, or after every line when line-buffered.
final class OutputBuffer {
    /// The bytes not yet written.
    var bytes: [UInt8] = []
    /// Whether ``endLine()`` writes every line at once (for a program driving the tool line by line).
    let isLineBuffered: Bool
    /// How many bytes are collected before a write.
    let flushThreshold: Int

    private let descriptor: Int32
    private let operation: String

    /// Creates a buffer for a file descriptor, which it does not close.
    init(descriptor: Int32, name: String, lineBuffered: Bool = false, flushThreshold: Int = 256 << 10) {
        self.descriptor = descriptor
        self.operation = "writing \(name)"
        self.isLineBuffered = lineBuffered
        self.flushThreshold = flushThreshold
        bytes.reserveCapacity(flushThreshold + 4096)
    }

    /// Ends the current line with `\n` and writes if the buffer is full or line-buffered.
    func endLine() throws(SystemError) {
        bytes.append(UInt8(ascii: "\n"))
        if isLineBuffered || bytes.count >= flushThreshold { try flush() }
    }

    /// Writes every collected byte, retrying short writes and `EINTR`.
    func flush() throws(SystemError) {
        var written = 0
        let count = bytes.count
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            while written < count {
                let result = write(descriptor, buffer.baseAddress! + written, count - written)
                if result >= 0 {
                    written += result
                } else if errno != EINTR {
                    return errno
                }
            }
            return nil
        }
        bytes.removeAll(keepingCapacity: true)
        if let failure { throw SystemError(operation: operation, errno: failure) }
    }
}
