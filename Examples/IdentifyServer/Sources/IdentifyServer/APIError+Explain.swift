import Hummingbird
import IdentityReconciliation

extension APIError {
    /// 404 for an explanation between rows that are not both live, or not one person: the
    /// field is `id` or `to`, whichever names the missing row (`to` for different people).
    init(_ error: ExplainError, id: Int) {
        switch error {
        case .contactNotFound(let missing):
            self.init(
                .notFound, code: "contact_not_found", message: error.description, field: missing == id ? "id" : "to")
        case .differentPeople:
            self.init(.notFound, code: "different_people", message: error.description, field: "to")
        }
    }
}
