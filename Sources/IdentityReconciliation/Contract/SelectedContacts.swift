/// The rows and links a store read for a ``ContactSelection``.
public struct SelectedContacts: Sendable, Hashable {
    /// The selected rows, each once, in any order: the live rows of the selected groups,
    /// and the selected deleted rows when the selection asked for them.
    public var rows: [Contact]
    /// The selected links, each once, in any order; empty unless the selection asked for them.
    public var links: [ContactLink]

    /// Creates a read result.
    public init(rows: [Contact], links: [ContactLink] = []) {
        self.rows = rows
        self.links = links
    }

    /// Nothing selected.
    public static let empty = SelectedContacts(rows: [])
}
