/// Everything known about one person: the consolidated view of a group of linked rows.
///
/// Ordering is deterministic: ``emails`` and ``phoneNumbers`` start with the primary
/// row's value, then the other rows' values in (`createdAt`, `id`) order, without
/// repeats and without `nil`s; ``secondaryContactIDs`` are ascending by (`createdAt`, `id`).
///
/// Its `Codable` form is the inner object of the task's response, with the task's key
/// names byte for byte, including the misspelt `primaryContatctId`; wrap it in an
/// ``IdentifyResponse`` for the whole response body.
public struct ConsolidatedContact: Sendable, Hashable, Codable {
    /// The id of the group's primary row.
    public var primaryContactID: Int
    /// Every email of the group, primary's first.
    public var emails: [String]
    /// Every phone number of the group, primary's first.
    public var phoneNumbers: [String]
    /// The ids of the group's secondary rows, oldest first.
    public var secondaryContactIDs: [Int]

    /// Creates a consolidated contact from its parts.
    public init(primaryContactID: Int, emails: [String], phoneNumbers: [String], secondaryContactIDs: [Int]) {
        self.primaryContactID = primaryContactID
        self.emails = emails
        self.phoneNumbers = phoneNumbers
        self.secondaryContactIDs = secondaryContactIDs
    }

    private enum CodingKeys: String, CodingKey {
        // The task's wire format really spells it this way.
        case primaryContactID = "primaryContatctId"
        case emails
        case phoneNumbers
        case secondaryContactIDs = "secondaryContactIds"
    }
}
