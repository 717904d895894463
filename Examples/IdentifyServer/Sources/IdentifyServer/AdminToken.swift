#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The secret that unlocks the destructive routes (`DELETE /contacts/{id}`, `POST /forget`,
/// `POST /contacts/{id}/erase`): a request must carry it as `Authorization: Bearer <token>`.
///
/// Give one to ``IdentifyApp/makeRouter(resolver:adminToken:)`` to serve those routes; without
/// one they are not routed at all. The token is compared in constant time, and never logged.
///
/// ```swift
/// let token = try AdminToken(contentsOfFile: "/run/secrets/identify-admin-token")
/// ```
public struct AdminToken: Sendable {
    /// The most bytes a token file may hold; a bigger file is refused rather than read.
    public static let maxFileSize = 4096

    /// The token's bytes: visible ASCII, at least one.
    private let bytes: [UInt8]

    /// A token from its text.
    ///
    /// - Throws: ``AdminTokenError/empty(path:)`` when `text` is empty;
    ///   ``AdminTokenError/invalidCharacter(path:offset:)`` when it has a byte other than visible
    ///   ASCII (`!` to `~`), which could not be sent in an `Authorization` header as it is.
    public init(_ text: String) throws(AdminTokenError) {
        try self.init(bytes: Array(text.utf8), path: nil)
    }

    /// The token held in a file, read once: its whole content without the trailing line
    /// breaks (`\n` or `\r\n`) that `echo` and editors add.
    ///
    /// - Throws: ``AdminTokenError/unreadableFile(path:reason:)`` when the file cannot be read or
    ///   is larger than ``maxFileSize``; ``AdminTokenError/empty(path:)`` and
    ///   ``AdminTokenError/invalidCharacter(path:offset:)`` as ``init(_:)``.
    public init(contentsOfFile path: String) throws(AdminTokenError) {
        var bytes = try Self.contents(ofFile: path)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        try self.init(bytes: bytes, path: path)
    }

    private init(bytes: [UInt8], path: String?) throws(AdminTokenError) {
        guard !bytes.isEmpty else { throw .empty(path: path) }
        if let offset = bytes.firstIndex(where: { !(0x21...0x7E).contains($0) }) {
            throw .invalidCharacter(path: path, offset: offset)
        }
        self.bytes = bytes
    }

    /// Whether `presented` is the token, in time that depends only on the token's length:
    /// every byte of the token is compared whatever the others are, with no early exit.
    func matches(_ presented: some StringProtocol) -> Bool {
        let presented = Array(presented.utf8)
        // Nonzero when the lengths differ; then every byte is compared all the same.
        var difference = presented.count ^ bytes.count
        for index in bytes.indices {
            let byte = index < presented.count ? presented[index] : 0
            difference |= Int(bytes[index] ^ byte)
        }
        return difference == 0
    }

    /// The file's bytes, read with `read(2)` so a failure is reported with its `errno`.
    private static func contents(ofFile path: String) throws(AdminTokenError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadableFile(path: path, reason: Self.lastErrorMessage()) }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(path: path, reason: Self.lastErrorMessage())
            }
            bytes += chunk[..<count]
            guard bytes.count <= maxFileSize else {
                throw .unreadableFile(path: path, reason: "it is larger than \(maxFileSize) bytes")
            }
        }
    }

    private static func lastErrorMessage() -> String {
        String(cString: strerror(errno))
    }
}
