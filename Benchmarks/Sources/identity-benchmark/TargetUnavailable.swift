/// A target this build cannot run, with the reason.
struct TargetUnavailable: Error, Equatable, CustomStringConvertible {
    var target: Target
    var reason: String
    var description: String { "\(target.rawValue) skipped: \(reason)" }
}
