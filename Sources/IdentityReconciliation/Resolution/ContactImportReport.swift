/// What ``ContactTableRepair`` changed in an exported table so that it satisfies
/// ``ContactInvariants``.
///
/// Every list is ascending. A table that was already consistent gives a report with
/// ``isUnchanged`` true.
public struct ContactImportReport: Sendable, Hashable, CustomStringConvertible {
    /// A group whose primary changed.
    public struct Rerooting: Sendable, Hashable {
        /// The row that was the group's primary in the export.
        public var previousPrimaryID: Int
        /// The group's oldest live row by (`createdAt`, `id`), its primary now.
        public var primaryID: Int

        /// Creates a rerooting.
        public init(previousPrimaryID: Int, primaryID: Int) {
            self.previousPrimaryID = previousPrimaryID
            self.primaryID = primaryID
        }
    }

    /// How many rows the table has, live and soft-deleted.
    public var rowCount: Int
    /// How many of them are soft-deleted (kept exactly as exported).
    public var deletedRowCount: Int
    /// How many groups the live rows form.
    public var groupCount: Int
    /// Live rows whose `linkedId` named a row that itself had a `linkedId` (a chain);
    /// they now link directly to their group's primary.
    public var flattenedChainIDs: [Int]
    /// Groups with one exported primary that was not their oldest live row.
    public var rerootedGroups: [Rerooting]
    /// Exported primaries demoted to secondaries because their group shares an email or a
    /// phone number (or a link) with an older group: duplicate primaries for one person.
    public var mergedPrimaryIDs: [Int]
    /// Every live row whose `linkedId` or `linkPrecedence` changed, for any of the reasons above
    /// or because the two columns contradicted each other.
    public var relinkedIDs: [Int]
    /// How many links were made to keep groups together that no shared value joins (the
    /// export recorded why they were merged nowhere; see ``ContactLink``).
    public var synthesizedLinkCount: Int
    /// Live rows that no link can join to the rest of their exported group (they, and the
    /// rest, hold only emails or only phone numbers), so they became a person of their own.
    public var separatedIDs: [Int]
    /// How many exported links were dropped because no live row holds their email or their
    /// phone number (or because they were listed twice).
    public var droppedLinkCount: Int

    /// Creates a report.
    public init(
        rowCount: Int,
        deletedRowCount: Int,
        groupCount: Int,
        flattenedChainIDs: [Int] = [],
        rerootedGroups: [Rerooting] = [],
        mergedPrimaryIDs: [Int] = [],
        relinkedIDs: [Int] = [],
        synthesizedLinkCount: Int = 0,
        separatedIDs: [Int] = [],
        droppedLinkCount: Int = 0
    ) {
        self.rowCount = rowCount
        self.deletedRowCount = deletedRowCount
        self.groupCount = groupCount
        self.flattenedChainIDs = flattenedChainIDs
        self.rerootedGroups = rerootedGroups
        self.mergedPrimaryIDs = mergedPrimaryIDs
        self.relinkedIDs = relinkedIDs
        self.synthesizedLinkCount = synthesizedLinkCount
        self.separatedIDs = separatedIDs
        self.droppedLinkCount = droppedLinkCount
    }

    /// Whether the repair changed nothing and added no link.
    public var isUnchanged: Bool { relinkedIDs.isEmpty && synthesizedLinkCount == 0 && droppedLinkCount == 0 }

    /// A few lines for a person: the counts, then each kind of repair with the ids involved.
    public var description: String {
        var lines = [
            "imported \(rowCount) row(s) (\(deletedRowCount) soft-deleted) in \(groupCount) group(s)"
        ]
        if isUnchanged {
            lines.append("nothing needed repair")
            return lines.joined(separator: "\n")
        }
        if !flattenedChainIDs.isEmpty {
            lines.append("flattened \(flattenedChainIDs.count) chained link(s): \(Self.list(flattenedChainIDs))")
        }
        if !rerootedGroups.isEmpty {
            let pairs = rerootedGroups.map { "\($0.previousPrimaryID) → \($0.primaryID)" }
            lines.append("re-rooted \(rerootedGroups.count) group(s) on their oldest row: \(Self.list(pairs))")
        }
        if !mergedPrimaryIDs.isEmpty {
            lines.append(
                "merged \(mergedPrimaryIDs.count) duplicate primary(ies) into older groups: \(Self.list(mergedPrimaryIDs))"
            )
        }
        if synthesizedLinkCount > 0 {
            lines.append("added \(synthesizedLinkCount) link(s) to keep groups together that share no value")
        }
        if droppedLinkCount > 0 {
            lines.append("dropped \(droppedLinkCount) link(s) whose values no live row holds")
        }
        if !separatedIDs.isEmpty {
            lines.append(
                "separated \(separatedIDs.count) row(s) that no link can join to their group: \(Self.list(separatedIDs))"
            )
        }
        if !relinkedIDs.isEmpty {
            lines.append("relinked \(relinkedIDs.count) row(s): \(Self.list(relinkedIDs))")
        }
        return lines.joined(separator: "\n")
    }

    private static func list(_ items: [some CustomStringConvertible]) -> String {
        let limit = 20
        let shown = items.prefix(limit).map(\.description).joined(separator: ", ")
        return items.count > limit ? shown + ", … (\(items.count - limit) more)" : shown
    }
}
