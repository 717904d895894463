import Hummingbird
import IdentityReconciliation

extension IdentifyAPI {
    /// The most groups and values `GET /report?top=N` lists.
    static var maxReportTop: Int { 1_000 }

    /// `GET /contacts/{id}/explain?to=B`: the shortest chain of evidence from row `id` to row `B`.
    func explainContact(idText: Substring, request: Request) async throws -> Response {
        let id = try QueryParameter.integer("id", text: idText, range: 1...Int.max)
        let values = request.uri.queryParameters[values: "to"]
        guard let toText = values.first else { throw APIError.invalidParameter("to", "is required") }
        guard values.count == 1 else { throw APIError.invalidParameter("to", "is given more than once") }
        let otherID = try QueryParameter.integer("to", text: toText, range: 1...Int.max)
        do {
            return JSONBody.response(ExplainResponse(steps: try await resolver.explain(contactID: id, to: otherID)))
        } catch let error as ExplainError {
            throw APIError(error, id: id)
        }
    }

    /// `GET /report?top=N&flagOver=N`: the census of the graph (``IdentityResolver/report(top:flagGroupsOver:)``).
    func report(_ request: Request) async throws -> Response {
        let top = try QueryParameter.integer("top", in: request, default: 10, range: 0...Self.maxReportTop)
        let threshold = try QueryParameter.integer("flagOver", in: request, default: 50, range: 0...Int.max)
        return JSONBody.response(ReportResponse(report: try await resolver.report(top: top, flagGroupsOver: threshold)))
    }
}
