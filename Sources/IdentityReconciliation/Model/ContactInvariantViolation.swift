/// One broken rule found by ``ContactInvariants/violations(in:)`` or
/// ``ContactInvariants/violations(in:links:)``.
public struct ContactInvariantViolation: Sendable, Hashable, CustomStringConvertible {
    /// Which rule is broken.
    public enum Kind: String, Sendable, Hashable {
        /// An id is zero, negative, or `Int.max` (which would leave no id for the next row).
        case idOutOfRange
        /// Two rows share an id.
        case duplicateID
        /// A live primary has a `linkedId`, or a live secondary has none.
        case precedenceMismatch
        /// A live secondary links to an id that is missing, deleted, or not a primary.
        case brokenLink
        /// A group's primary is not its oldest live row by (`createdAt`, `id`).
        case primaryNotOldest
        /// An email or phone number appears in two groups.
        case valueInTwoGroups
        /// A group's live rows are not one person by their evidence (shared values and
        /// links): a correction left it unsplit.
        case groupNotConnected
        /// A link joins an email of one group to a phone number of another.
        case linkBetweenGroups
        /// A link's email or phone number is held by no live row: it should have been dropped.
        case danglingLink
        /// A row's `createdAt`, `updatedAt` or `deletedAt`, or a link's `createdAt`, is outside
        /// ``Contact/isValidDate(_:)``.
        case dateOutOfRange
    }

    /// Which rule is broken.
    public var kind: Kind
    /// The row at fault; `nil` only for a ``Kind/danglingLink`` whose values no live row holds.
    public var contactID: Int?
    /// The link at fault, for the kinds about links.
    public var link: ContactLink?
    /// A sentence explaining the problem.
    public var message: String

    /// Creates a violation.
    public init(kind: Kind, contactID: Int?, link: ContactLink? = nil, message: String) {
        self.kind = kind
        self.contactID = contactID
        self.link = link
        self.message = message
    }

    /// `contact <id>: <message>`, or `link <email> – <phone number>: <message>` for a link
    /// with no row.
    public var description: String {
        if let contactID { return "contact \(contactID): \(message)" }
        guard let link else { return message }
        return "link \(link.email.debugDescription) – \(link.phoneNumber.debugDescription): \(message)"
    }
}
