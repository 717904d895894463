import Hummingbird

/// One operation of the service: a method on a path template such as `/contacts/{id}`.
///
/// ``all`` is the single list of what the service can serve: the ``standard`` routes always,
/// the ``admin`` routes only when the server has an admin token. The router is built from
/// these lists, 405 answers are computed from the routes served, and a test checks ``all``
/// against `openapi.yaml`.
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
    static let deleteContact = Route(method: .delete, path: "/contacts/{id}")
    static let forget = Route(method: .post, path: "/forget")
    static let eraseContact = Route(method: .post, path: "/contacts/{id}/erase")
    static let explainContact = Route(method: .get, path: "/contacts/{id}/explain")
    static let report = Route(method: .get, path: "/report")

    /// The routes every server serves.
    static let standard: [Route] = [identify, listContacts, contact, health, openAPI]
    /// The destructive routes (corrections), and those that show the whole graph (explain, the
    /// report), served only with an admin token and only to requests that carry it.
    static let admin: [Route] = [deleteContact, forget, eraseContact, explainContact, report]
    /// Every route the service can serve.
    static let all: [Route] = standard + admin

    /// The routes a server serves: ``standard``, and ``admin`` too when it has an admin token.
    static func served(withAdminRoutes: Bool) -> [Route] {
        withAdminRoutes ? all : standard
    }

    /// The methods `routes` serve on a concrete request path, in their order, with `HEAD` after
    /// `GET` (the router answers it for every `GET` route); empty when no route has the path.
    static func allowedMethods(forPath path: String, in routes: [Route]) -> [HTTPRequest.Method] {
        routes.filter { $0.matches(path: path) }.flatMap { $0.method == .get ? [.get, .head] : [$0.method] }
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
