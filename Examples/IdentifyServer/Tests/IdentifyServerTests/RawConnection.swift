#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection to a loopback port, driven byte by byte: for what no HTTP client sends,
/// such as a body shorter than its `Content-Length` followed by a half-close.
///
/// Reads never block a thread: the server under test runs its handlers on the same cooperative
/// thread pool as the test. They give up after ``readTimeoutSeconds``, so a server that never
/// answers fails the test instead of hanging it.
final class RawConnection {
    /// How long a read waits for bytes before failing.
    static let readTimeoutSeconds = 10

    /// An error of the socket calls, with the call and `errno`.
    struct Failure: Error, Equatable, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call) failed: errno \(errno)" }
    }

    private let descriptor: Int32

    /// Connects to `127.0.0.1:port`.
    init(port: Int) throws(Failure) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(call: "socket", errno: errno) }
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(call: "connect", errno: errno) }
    }

    deinit {
        close(descriptor)
    }

    /// Sends all of `text` as UTF-8.
    func send(_ text: String) throws(Failure) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard sent > 0 else { throw Failure(call: "write", errno: errno) }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// Shuts the write side down: the server reads end-of-file, the connection stays open for reading.
    func shutdownWrite() throws(Failure) {
        guard shutdown(descriptor, Int32(SHUT_WR)) == 0 else { throw Failure(call: "shutdown", errno: errno) }
    }

    /// Reads until the server closes the connection; what arrived, as UTF-8 text.
    ///
    /// - Throws: ``Failure`` when a read fails, or (`ETIMEDOUT`) when the server neither sends
    ///   nor closes for ``readTimeoutSeconds``; a reset by the server ends the text instead.
    func readToEnd() async throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(Self.readTimeoutSeconds)
        while true {
            let count = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count == 0 { break }
            if count > 0 {
                received.append(contentsOf: buffer[..<count])
                continue
            }
            switch errno {
            case ECONNRESET:
                return String(decoding: received, as: UTF8.self)
            case EAGAIN, EWOULDBLOCK, EINTR:
                guard ContinuousClock.now < deadline else { throw Failure(call: "read", errno: ETIMEDOUT) }
                try await Task.sleep(for: .milliseconds(5))
            default:
                throw Failure(call: "read", errno: errno)
            }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
