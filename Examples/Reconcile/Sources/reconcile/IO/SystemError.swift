#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on one of the tool's streams or files.
struct SystemError: Error, Equatable, CustomStringConvertible {
    /// What the tool was doing, such as `reading standard input`.
    var operation: String
    /// The `errno` value.
    var errno: Int32

    var description: String { "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}
