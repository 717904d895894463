/// The role of a contact row inside its group.
///
/// Every group of linked rows has exactly one ``primary`` row, its oldest by
/// (``Contact/createdAt``, ``Contact/id``); every other live row of the group is
/// ``secondary`` and its ``Contact/linkedId`` names that primary.
public enum LinkPrecedence: String, Sendable, Hashable, Codable, CaseIterable {
    /// The oldest row of a group; its ``Contact/linkedId`` is `nil`.
    case primary
    /// Any other row of a group; its ``Contact/linkedId`` is the primary's id.
    case secondary
}
