/// Repairs an exported contact table so that it satisfies ``ContactInvariants``: a pure
/// function of the rows, with no store and no clock.
///
/// Tables exported from other implementations of the task contain what their bugs and
/// races left behind. The repair:
/// - groups the live rows by their links (through any chain, even through soft-deleted
///   rows) **and** by shared emails and phone numbers, so duplicate primaries for one
///   person become one group;
/// - makes each group's oldest live row by (`createdAt`, `id`) its primary and links every
///   other live row of the group directly to it (chains are flattened);
/// - keeps soft-deleted rows exactly as exported (they never match, so they belong to no group);
/// - records, for each group that no shared value holds together, the links that do (the
///   export recorded nowhere why it was merged), and separates the rows no link can join;
/// - keeps every id, value and timestamp (`updatedAt` too: the repair records no new event).
///
/// What cannot be repaired is refused with line-numbered problems, and nothing is
/// imported: ids outside `1..<Int.max`, duplicate ids, links to missing ids, link cycles, and
/// dates no row may hold (``Contact/isValidDate(_:)``).
///
/// ```swift
/// let repair = try ContactTableRepair(repairing: exportedRows)
/// print(repair.report)
/// try await store.importContacts(ContactImport(contacts: repair.contacts, links: repair.links))
/// ```
public struct ContactTableRepair: Sendable, Hashable {
    /// The repaired rows in ascending id order.
    public var contacts: [Contact]
    /// The links that keep each repaired group one person, in ascending order.
    public var links: [ContactLink]
    /// What was repaired.
    public var report: ContactImportReport

    /// Repairs rows.
    ///
    /// - Parameters:
    ///   - rows: The exported rows, in any order.
    ///   - links: Exported links (an export of this library has them; other implementations'
    ///     have none). They join groups like shared values; those whose email or phone number
    ///     no live row holds are dropped.
    ///   - lines: The input line of each row, for error messages; when `nil` (or of another
    ///     length than `rows`), a row's line is its position plus one.
    /// - Throws: ``ContactImportError`` listing every row that cannot be repaired.
    public init(repairing rows: [Contact], links: [ContactLink] = [], lines: [Int]? = nil) throws(ContactImportError) {
        let given = lines?.count == rows.count ? lines : nil
        let lineOf = { (index: Int) -> Int in given?[index] ?? index + 1 }
        let positions = try Self.indexByID(rows, lineOf: lineOf)
        let parents = rows.map { row in row.linkedId.flatMap { positions[$0] } }
        let liveAncestors = try Self.liveAncestors(rows, parents: parents, lineOf: lineOf)

        // Union-find over positions: a live row joins its nearest live ancestor and every
        // live row that shares a value with it.
        var groups = UnionFind(count: rows.count)
        var emailOwner: [String: Int] = [:]
        var phoneOwner: [String: Int] = [:]
        for (index, row) in rows.enumerated() where row.isLive {
            if let ancestor = liveAncestors[index] { groups.union(index, ancestor) }
            if let email = row.email {
                if let owner = emailOwner[email] { groups.union(index, owner) } else { emailOwner[email] = index }
            }
            if let phone = row.phoneNumber {
                if let owner = phoneOwner[phone] { groups.union(index, owner) } else { phoneOwner[phone] = index }
            }
        }
        for link in links {
            if let emailRow = emailOwner[link.email], let phoneRow = phoneOwner[link.phoneNumber] {
                groups.union(emailRow, phoneRow)
            }
        }
        var oldest: [Int: Int] = [:]  // union-find root → position of the group's oldest live row
        for (index, row) in rows.enumerated() where row.isLive {
            let group = groups.find(index)
            if let current = oldest[group], !row.isOlder(than: rows[current]) { continue }
            oldest[group] = index
        }

        // The exported roots of each group: live rows with no live ancestor.
        var roots: [Int: [Int]] = [:]
        for (index, row) in rows.enumerated() where row.isLive && liveAncestors[index] == nil {
            roots[groups.find(index), default: []].append(index)
        }
        var rerooted: [ContactImportReport.Rerooting] = []
        var merged: [Int] = []
        for (group, primary) in oldest {
            // The exported root whose tree holds the new primary survives; the others are merged into it.
            var survivor = primary
            while let ancestor = liveAncestors[survivor] { survivor = ancestor }
            for root in roots[group, default: []] where root != survivor { merged.append(rows[root].id) }
            if survivor != primary {
                rerooted.append(.init(previousPrimaryID: rows[survivor].id, primaryID: rows[primary].id))
            }
        }

        var repaired = rows
        var flattened: [Int] = []
        for (index, row) in rows.enumerated() where row.isLive {
            if let parent = parents[index], rows[parent].linkedId != nil { flattened.append(row.id) }
            let primary = oldest[groups.find(index)]!
            repaired[index].linkedId = primary == index ? nil : rows[primary].id
            repaired[index].linkPrecedence = primary == index ? .primary : .secondary
        }
        // A group joined by links alone (a merge, in the system that exported it) needs the
        // links that say so; rows no link can join become their own people.
        let unique = Set(links).sorted()
        let dangling = Set(ContactEvidence.danglingLinks(in: repaired, links: unique))
        let kept = unique.filter { !dangling.contains($0) }
        let joining = ContactEvidence.joiningLinks(for: repaired, links: kept)
        if !joining.unjoinable.isEmpty {
            for component in ContactEvidence(rows: repaired, links: kept + joining.links).components {
                guard let primary = component.min(by: { repaired[$0].isOlder(than: repaired[$1]) }) else { continue }
                for member in component {
                    repaired[member].linkedId = member == primary ? nil : repaired[primary].id
                    repaired[member].linkPrecedence = member == primary ? .primary : .secondary
                }
            }
        }
        var relinked: [Int] = []
        for (index, row) in rows.enumerated()
        where row.isLive
            && (row.linkedId != repaired[index].linkedId || row.linkPrecedence != repaired[index].linkPrecedence)
        {
            relinked.append(row.id)
        }
        repaired.sort { $0.id < $1.id }
        contacts = repaired
        self.links = (kept + joining.links).sorted()
        report = ContactImportReport(
            rowCount: rows.count,
            deletedRowCount: rows.count(where: { !$0.isLive }),
            groupCount: Set(repaired.lazy.filter(\.isLive).map(\.primaryID)).count,
            flattenedChainIDs: flattened.sorted(),
            rerootedGroups: rerooted.sorted { $0.primaryID < $1.primaryID },
            mergedPrimaryIDs: merged.sorted(),
            relinkedIDs: relinked.sorted(),
            synthesizedLinkCount: joining.links.count,
            separatedIDs: joining.unjoinable,
            droppedLinkCount: links.count - kept.count
        )
    }

    /// Maps each id to its row's position; refuses ids out of range, duplicate ids and links to missing ids.
    private static func indexByID(
        _ rows: [Contact], lineOf: (Int) -> Int
    ) throws(ContactImportError) -> [Int: Int] {
        var positions: [Int: Int] = [:]
        positions.reserveCapacity(rows.count)
        var problems: [ContactImportError.Problem] = []
        for (index, row) in rows.enumerated() {
            for message in ContactInvariants.datesOutOfRange(of: row) {
                problems.append(.init(kind: .dateOutOfRange, line: lineOf(index), contactID: row.id, message: message))
            }
            if row.id <= 0 || row.id == Int.max {
                problems.append(
                    .init(
                        kind: .idOutOfRange, line: lineOf(index), contactID: row.id, message: "id is not in 1..<Int.max"
                    ))
            } else if let first = positions[row.id] {
                problems.append(
                    .init(
                        kind: .duplicateID, line: lineOf(index), contactID: row.id,
                        message: "id is also used on line \(lineOf(first))"))
            } else {
                positions[row.id] = index
            }
        }
        for (index, row) in rows.enumerated() {
            if let linked = row.linkedId, positions[linked] == nil {
                problems.append(
                    .init(
                        kind: .missingLink, line: lineOf(index), contactID: row.id,
                        message: "linkedId \(linked) names no row of the table"))
            }
        }
        guard problems.isEmpty else { throw ContactImportError(problems: problems.sorted { $0.line < $1.line }) }
        return positions
    }

    /// For each row, the position of the nearest live row on its `linkedId` chain (skipping
    /// soft-deleted rows), or `nil`; refuses chains that loop.
    private static func liveAncestors(
        _ rows: [Contact], parents: [Int?], lineOf: (Int) -> Int
    ) throws(ContactImportError) -> [Int?] {
        enum State { case unvisited, visiting, done }
        var state = [State](repeating: .unvisited, count: rows.count)
        var result = [Int?](repeating: nil, count: rows.count)
        var problems: [ContactImportError.Problem] = []
        var path: [Int] = []
        for start in rows.indices where state[start] == .unvisited {
            // Walk up until a row whose answer is known (or that has no parent), then unwind.
            path.removeAll(keepingCapacity: true)
            var current = start
            var cycle = false
            while state[current] == .unvisited {
                state[current] = .visiting
                path.append(current)
                guard let parent = parents[current] else { break }
                if state[parent] == .visiting {
                    cycle = true
                    var member = parent
                    repeat {
                        problems.append(
                            .init(
                                kind: .linkCycle, line: lineOf(member), contactID: rows[member].id,
                                message: "following linkedId from this row comes back to it"))
                        member = parents[member]!
                    } while member != parent
                    break
                }
                current = parent
            }
            for index in path.reversed() {
                state[index] = .done
                if cycle { continue }
                if let parent = parents[index] {
                    result[index] = rows[parent].isLive ? parent : result[parent]
                }
            }
        }
        guard problems.isEmpty else { throw ContactImportError(problems: problems.sorted { $0.line < $1.line }) }
        return result
    }
}
