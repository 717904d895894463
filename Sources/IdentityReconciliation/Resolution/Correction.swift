/// What a correction did: the rows it changed and the people it left behind.
///
/// A split is the opposite of a merge: one group before, ``contacts`` holding several after.
public struct Correction: Sendable, Hashable {
    /// The ids of the rows the correction changed (deleted, relinked, or stripped of values), ascending.
    public var changedContactIDs: [Int]
    /// The primary ids of the groups the correction touched, before it, ascending.
    public var previousPrimaryIDs: [Int]
    /// The consolidated contact of every group the correction left behind, by primary id;
    /// empty when it left no live row (an erasure).
    public var contacts: [ConsolidatedContact]

    /// Creates a correction result.
    public init(changedContactIDs: [Int], previousPrimaryIDs: [Int], contacts: [ConsolidatedContact]) {
        self.changedContactIDs = changedContactIDs
        self.previousPrimaryIDs = previousPrimaryIDs
        self.contacts = contacts
    }

    /// Whether the correction split a person into several.
    public var isSplit: Bool { contacts.count > previousPrimaryIDs.count }
}
