import Hummingbird
import IdentityReconciliation
import NIOCore
import NIOHTTP1

/// The route handlers, over any ``ContactStore``.
///
/// Handlers throw ``APIError`` for everything a client did wrong; ``ErrorMiddleware``
/// turns any other error into a 500 without leaking its details.
struct IdentifyAPI<Store: ContactStore>: Sendable {
    /// The largest request body accepted (`POST /identify`, `POST /forget`); a larger one is a 413.
    static var maxBodySize: Int { 16 * 1024 }
    /// The page size of `GET /contacts` when `limit` is absent.
    static var defaultPageSize: Int { 100 }
    /// The largest `limit` of `GET /contacts`.
    static var maxPageSize: Int { 1_000 }

    let resolver: IdentityResolver<Store>
    /// The token the destructive routes require; `nil` leaves them unrouted.
    var adminToken: AdminToken? = nil

    /// Registers the routes of ``Route/standard`` on `router`, and those of ``Route/admin``
    /// behind a ``BearerTokenMiddleware`` when there is an admin token.
    func addRoutes(to router: Router<some RequestContext>) {
        router.on(RouterPath(Route.identify.path), method: Route.identify.method) { request, _ in
            try await identify(request)
        }
        router.on(RouterPath(Route.listContacts.path), method: Route.listContacts.method) { request, _ in
            try await listContacts(request)
        }
        router.on(RouterPath(Route.contact.path), method: Route.contact.method) { _, context in
            try await contact(idText: context.parameters.get("id")?[...] ?? "")
        }
        router.on(RouterPath(Route.health.path), method: Route.health.method) { _, _ in
            JSONBody.response(HealthStatus())
        }
        router.on(RouterPath(Route.openAPI.path), method: Route.openAPI.method) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        guard let adminToken else { return }
        // The group's middleware runs for these routes only, inside the router's own (logging, errors).
        let admin = router.group().add(middleware: BearerTokenMiddleware(token: adminToken))
        admin.on(RouterPath(Route.deleteContact.path), method: Route.deleteContact.method) { _, context in
            try await deleteContact(idText: context.parameters.get("id")?[...] ?? "")
        }
        admin.on(RouterPath(Route.forget.path), method: Route.forget.method) { request, _ in
            try await forget(request)
        }
        admin.on(RouterPath(Route.eraseContact.path), method: Route.eraseContact.method) { _, context in
            try await eraseContact(idText: context.parameters.get("id")?[...] ?? "")
        }
        admin.on(RouterPath(Route.explainContact.path), method: Route.explainContact.method) { request, context in
            try await explainContact(idText: context.parameters.get("id")?[...] ?? "", request: request)
        }
        admin.on(RouterPath(Route.report.path), method: Route.report.method) { request, _ in
            try await report(request)
        }
    }

    // MARK: - Handlers

    /// `POST /identify`: the task's endpoint.
    func identify(_ request: Request) async throws -> Response {
        let input = try JSONBody.identifyRequest(from: try await Self.jsonBody(of: request))
        do {
            return JSONBody.response(try await resolver.identify(input).response)
        } catch let error as InputError {
            throw APIError(error)
        }
    }

    /// `GET /contacts?after=ID&limit=N`: one page of rows in id order.
    func listContacts(_ request: Request) async throws -> Response {
        let after = try QueryParameter.integer("after", in: request, default: 0, range: 0...Int.max)
        let limit = try QueryParameter.integer(
            "limit", in: request, default: Self.defaultPageSize, range: 1...Self.maxPageSize)
        // One row more than asked tells whether another page follows.
        let rows = try await resolver.contacts(afterID: after, limit: limit + 1)
        let page = rows.prefix(limit)
        return JSONBody.response(
            ContactPage(
                contacts: Array(page),
                nextAfter: rows.count > limit ? page.last?.id : nil))
    }

    /// `GET /contacts/{id}`: the consolidated contact of the group holding a live row.
    func contact(idText: Substring) async throws -> Response {
        let id = try QueryParameter.integer("id", text: idText, range: 1...Int.max)
        guard let contact = try await resolver.contact(id: id) else {
            throw APIError(.notFound, code: "contact_not_found", message: "no live contact has id \(id)", field: "id")
        }
        return JSONBody.response(IdentifyResponse(contact: contact))
    }

    /// `DELETE /contacts/{id}`: soft-deletes a live row and answers the people its group became.
    func deleteContact(idText: Substring) async throws -> Response {
        let id = try QueryParameter.integer("id", text: idText, range: 1...Int.max)
        return try await correct { try await resolver.delete(contactID: id) }
    }

    /// `POST /forget`: removes an email or a phone number from every row and answers the
    /// people the rows that held it form now.
    func forget(_ request: Request) async throws -> Response {
        let value = try ForgetRequest(body: try await Self.jsonBody(of: request)).value()
        return try await correct {
            switch value {
            case .email(let email): try await resolver.forget(email: email)
            case .phoneNumber(let phoneNumber): try await resolver.forget(phoneNumber: phoneNumber)
            }
        }
    }

    /// `POST /contacts/{id}/erase`: erases the person holding a live row; answers no people.
    func eraseContact(idText: Substring) async throws -> Response {
        let id = try QueryParameter.integer("id", text: idText, range: 1...Int.max)
        return try await correct { try await resolver.erase(contactID: id) }
    }

    // MARK: - Helpers

    /// Runs a correction and answers `{"contacts":[…]}`, mapping its refusals to 400 and 404.
    private func correct(_ correction: () async throws -> Correction) async throws -> Response {
        do {
            return JSONBody.response(CorrectionResponse(try await correction()))
        } catch let error as InputError {
            throw APIError(error)
        } catch let error as CorrectionError {
            throw APIError(error)
        }
    }

    /// The body of a JSON request, read up to ``maxBodySize``.
    ///
    /// - Throws: ``APIError`` 415 when it is not declared as JSON, 413 when it is larger (as
    ///   announced, or as streamed), 400 `incomplete_body` when the client stopped sending (or
    ///   closed the connection) before the body's end: the client's doing, not the server's.
    static func jsonBody(of request: Request) async throws -> ByteBuffer {
        let contentType = request.headers[.contentType]
        guard isJSON(contentType) else { throw APIError.unsupportedMediaType(contentType) }
        // Refuse an announced oversized body before reading any of it.
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodySize {
            throw APIError.payloadTooLarge(limit: maxBodySize)
        }
        do {
            return try await request.body.collect(upTo: maxBodySize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // A chunked body gives no length up front; NIO stops collecting at the limit.
            throw APIError.payloadTooLarge(limit: maxBodySize)
        } catch let error as HTTPParserError {
            // End of input before the announced length or the last chunk: NIO's decoder says
            // invalidEOFState; a malformed chunk header is another parser error.
            throw error == .invalidEOFState ? APIError.incompleteBody() : APIError.malformedBody(error)
        } catch is ChannelError {
            throw APIError.incompleteBody()
        } catch is IOError {
            // A reset connection (ECONNRESET) in the middle of the body.
            throw APIError.incompleteBody()
        }
    }

    /// Whether a `Content-Type` is JSON: `application/json`, any case, with optional
    /// parameters, and if a charset is given it is UTF-8 (the only one JSON allows).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        // What clients send nearly always, checked without splitting and lowercasing (which
        // cost about 1.5% of the server's CPU per identify under wrk).
        if contentType == "application/json" || contentType == "application/json; charset=utf-8" { return true }
        let parts = contentType.split(separator: ";").map { $0.trimmingASCIISpaces().lowercased() }
        guard parts.first == "application/json" else { return false }
        return parts.dropFirst().allSatisfy { parameter in
            !parameter.hasPrefix("charset=") || ["charset=utf-8", "charset=\"utf-8\""].contains(parameter)
        }
    }
}

extension Substring {
    fileprivate func trimmingASCIISpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
