#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), which bounds its connections.
struct OpenFileLimit: Equatable, CustomStringConvertible {
    /// The limit in force (the soft limit).
    var soft: Int
    /// The most the soft limit can be raised to without privileges.
    var hard: Int

    var description: String { "soft \(soft), hard \(hard)" }

    /// Raises the soft limit to the hard limit and returns the limits then in force.
    ///
    /// Best effort: when the limit cannot be read, `nil`; when it cannot be raised (a hard
    /// limit the system refuses, as macOS does above `OPEN_MAX`), the limits unchanged.
    static func raiseSoftToHard() -> OpenFileLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return OpenFileLimit(soft: clamped(limit.rlim_cur), hard: clamped(limit.rlim_max))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    /// `RLIM_INFINITY` and other values past `Int.max` as `Int.max`.
    private static func clamped(_ value: rlim_t) -> Int {
        value > rlim_t(Int.max) ? Int.max : Int(value)
    }
}
