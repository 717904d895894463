import Hummingbird

/// One operation of the service: a method on a path template such as `/contacts/{id}`.
///
/// ``all`` is the single list of what the service serves. The router is built from it,
/// 405 answers are computed from it, and a test checks it against `openapi.yaml`.
struct Route: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP method.
    var method: HTTPRequest.Method
    /// The path template; `{name}` matches one path segment.
    var path: String

    /// `METHOD /path`.
    var description: String { "\(method.rawValue) \(path)" }

    static let identify = Route(method: .post, path: "/identify")
    static let listContacts = Route(method: .get, path: "/contacts")
    static let contact = Route(method: .get, path: "/contacts/{id}")
    static let health = Route(method: .get, path: "/health")
    static let openAPI = Route(method: .get, path: "/openapi.yaml")

    /// Every route the service serves.
    static let all: [Route] = [identify, listContacts, contact, health, openAPI]

    /// The methods served on a concrete request path, in ``all``'s order, with `HEAD` after `GET`
    /// (the router answers it for every `GET` route); empty when no route has the path.
    static func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        all.filter { $0.matches(path: path) }.flatMap { $0.method == .get ? [.get, .head] : [$0.method] }
    }

    /// Whether a concrete request path fits the template (a trailing slash is ignored, as the router does).
    func matches(path requestPath: String) -> Bool {
        let template = self.path.split(separator: "/")
        let segments = requestPath.split(separator: "/")
        guard template.count == segments.count else { return false }
        return zip(template, segments).allSatisfy { pattern, segment in
            (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == segment
        }
    }
}
