#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor in large chunks and hands out its lines, so a million-line
/// input costs a few hundred `read` calls rather than a million.
///
/// Lines end at `\n`; a last line without one still counts. A line longer than
/// ``maximumLineBytes`` is skipped and reported as ``Line/tooLong``, so one huge line
/// can neither exhaust memory nor stop the run.
final class LineReader {
    /// One line.
    enum Line {
        /// The line's bytes without the newline, valid only inside the closure that receives them.
        case bytes(UnsafeBufferPointer<UInt8>)
        /// The line was longer than ``maximumLineBytes``; its bytes were skipped.
        case tooLong
    }

    /// The longest line handed out.
    let maximumLineBytes: Int
    /// The number of the last line handed out (1-based).
    private(set) var lineNumber = 0

    private let descriptor: Int32
    private let operation: String
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var start = 0
    private var end = 0
    private var atEnd = false

    /// Creates a reader.
    ///
    /// - Parameters:
    ///   - descriptor: An open file descriptor; the reader does not close it.
    ///   - name: What is read, for error messages (`standard input`, a path).
    ///   - maximumLineBytes: The longest line handed out; 1 MiB by default.
    ///   - chunkBytes: The least room left for each `read`; 1 MiB by default.
    init(descriptor: Int32, name: String, maximumLineBytes: Int = 1 << 20, chunkBytes: Int = 1 << 20) {
        self.descriptor = descriptor
        self.operation = "reading \(name)"
        self.maximumLineBytes = maximumLineBytes
        // Room for one maximal partial line plus a full chunk, so a read is never tiny.
        buffer = .allocate(capacity: maximumLineBytes + 1 + chunkBytes)
    }

    deinit {
        buffer.deallocate()
    }

    /// Calls `body` with the next line.
    ///
    /// - Returns: What `body` returned, or `nil` at the end of the input.
    /// - Throws: ``SystemError`` when reading fails.
    func next<Result>(_ body: (Line) -> Result) throws(SystemError) -> Result? {
        while true {
            if start < end,
                let newline = memchr(buffer.baseAddress! + start, Int32(UInt8(ascii: "\n")), end - start)
            {
                let lineEnd = buffer.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                let line = UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])
                start = lineEnd + 1
                lineNumber += 1
                return body(line.count > maximumLineBytes ? .tooLong : .bytes(line))
            }
            if atEnd {
                guard start < end else { return nil }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                start = end
                lineNumber += 1
                return body(line.count > maximumLineBytes ? .tooLong : .bytes(line))
            }
            if end - start > maximumLineBytes {
                try skipRestOfLine()
                lineNumber += 1
                return body(.tooLong)
            }
            try fill()
        }
    }

    /// Moves the partial line to the front and reads more after it; sets `atEnd` at end of input.
    private func fill() throws(SystemError) {
        if start > 0 {
            if start < end {
                (buffer.baseAddress! + 0).update(from: buffer.baseAddress! + start, count: end - start)
            }
            end -= start
            start = 0
        }
        let count = try readSome(into: end)
        if count == 0 { atEnd = true }
        end += count
    }

    /// Discards bytes up to and including the next newline (or the end of input).
    private func skipRestOfLine() throws(SystemError) {
        start = 0
        end = 0
        while true {
            let count = try readSome(into: 0)
            if count == 0 {
                atEnd = true
                return
            }
            if let newline = memchr(buffer.baseAddress!, Int32(UInt8(ascii: "\n")), count) {
                start = buffer.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                end = count
                return
            }
        }
    }

    private func readSome(into offset: Int) throws(SystemError) -> Int {
        while true {
            let count = read(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count >= 0 { return count }
            if errno != EINTR { throw SystemError(operation: operation, errno: errno) }
        }
    }
}
