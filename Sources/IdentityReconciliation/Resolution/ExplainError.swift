/// Why ``IdentityResolver/explain(contactID:to:)`` has no chain of evidence to give.
public enum ExplainError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No live row has this id (it never existed, or it is deleted).
    case contactNotFound(Int)
    /// Both rows are live but belong to different people: no evidence joins them.
    case differentPeople(Int, Int)

    /// A one-line English description.
    public var description: String {
        switch self {
        case .contactNotFound(let id): "no live contact has id \(id)"
        case .differentPeople(let first, let second):
            "contacts \(first) and \(second) belong to different people: no evidence joins them"
        }
    }
}
