/// Counts rows and links one at a time into a ``GraphReport``: the pure part of
/// ``IdentityResolver/report(top:flagGroupsOver:)``.
///
/// It keeps counters only: one per group (rows) and one per distinct value (rows holding it,
/// links bridging it, its group), never the rows themselves. Distinct values per group are
/// counted at the end from the values' groups, which is exact because a consistent store
/// keeps all live holders of a value in one group (``ContactInvariants``).
struct GraphCensus {
    private struct GroupTally {
        var rows = 0
        var emails = 0
        var phoneNumbers = 0
    }

    private struct ValueTally {
        var rows = 0
        var links = 0
        var primaryID: Int?

        /// Counts a live row holding the value; the value's group is its first holder's.
        mutating func add(rowOf group: Int) {
            rows += 1
            if primaryID == nil { primaryID = group }
        }
    }

    private(set) var rows = 0
    private(set) var liveRows = 0
    private(set) var links = 0
    private var groups: [Int: GroupTally] = [:]
    private var emails: [String: ValueTally] = [:]
    private var phoneNumbers: [String: ValueTally] = [:]

    /// Counts one row, live or deleted; a deleted row counts only in ``rows``.
    mutating func add(_ row: Contact) {
        rows += 1
        guard row.isLive else { return }
        liveRows += 1
        let primaryID = row.primaryID
        groups[primaryID, default: GroupTally()].rows += 1
        if let email = row.email { Self.count(email, heldIn: primaryID, in: &emails) }
        if let phone = row.phoneNumber { Self.count(phone, heldIn: primaryID, in: &phoneNumbers) }
    }

    /// Counts one link, and one bridge for each of its two values.
    mutating func add(_ link: ContactLink) {
        links += 1
        emails[link.email, default: ValueTally()].links += 1
        phoneNumbers[link.phoneNumber, default: ValueTally()].links += 1
    }

    private static func count(_ value: String, heldIn primaryID: Int, in tallies: inout [String: ValueTally]) {
        tallies[value, default: ValueTally()].add(rowOf: primaryID)
    }

    /// The report of everything counted.
    ///
    /// - Parameters:
    ///   - top: How many groups and values to list; a value below 1 lists none.
    ///   - threshold: Groups with more live rows, and values of greater weight, are flagged.
    consuming func report(top: Int, flagGroupsOver threshold: Int) -> GraphReport {
        for tally in emails.values where tally.rows > 0 { groups[tally.primaryID!]?.emails += 1 }
        for tally in phoneNumbers.values where tally.rows > 0 { groups[tally.primaryID!]?.phoneNumbers += 1 }

        var buckets: [Int] = []
        var largest = TopSelection<GraphReport.GroupSummary>(capacity: top, ranksBefore: Self.groupRanksBefore)
        var flaggedGroups: [GraphReport.GroupSummary] = []
        for (primaryID, tally) in groups {
            // The bucket of n holds 2^k ... 2^(k+1) - 1, k = ⌊log2 n⌋.
            let bucket = Int.bitWidth - 1 - tally.rows.leadingZeroBitCount
            if bucket >= buckets.count { buckets += Array(repeating: 0, count: bucket - buckets.count + 1) }
            buckets[bucket] += 1
            let summary = GraphReport.GroupSummary(
                primaryID: primaryID, rows: tally.rows, emails: tally.emails, phoneNumbers: tally.phoneNumbers)
            largest.consider(summary)
            if tally.rows > threshold { flaggedGroups.append(summary) }
        }

        var topValues = TopSelection<GraphReport.ValueSummary>(capacity: top, ranksBefore: Self.valueRanksBefore)
        var flaggedValues: [GraphReport.ValueSummary] = []
        for (field, tallies) in [(ContactField.email, emails), (.phoneNumber, phoneNumbers)] {
            for (value, tally) in tallies where tally.rows + tally.links > 1 {
                let summary = GraphReport.ValueSummary(
                    field: field, value: value, rows: tally.rows, links: tally.links, primaryID: tally.primaryID)
                topValues.consider(summary)
                if summary.weight > threshold { flaggedValues.append(summary) }
            }
        }

        return GraphReport(
            rows: rows, liveRows: liveRows, deletedRows: rows - liveRows, links: links, people: groups.count,
            groupSizes: buckets.enumerated().map { bucket, count in
                GraphReport.SizeBucket(smallest: 1 << bucket, largest: (2 << bucket) - 1, groups: count)
            },
            largestGroups: largest.ranked(), topValues: topValues.ranked(), flagThreshold: threshold,
            flaggedGroups: flaggedGroups.sorted(by: Self.groupRanksBefore),
            flaggedValues: flaggedValues.sorted(by: Self.valueRanksBefore))
    }

    /// Larger groups first, then ascending primary id.
    static func groupRanksBefore(_ first: GraphReport.GroupSummary, _ second: GraphReport.GroupSummary) -> Bool {
        (second.rows, first.primaryID) < (first.rows, second.primaryID)
    }

    /// Heavier values first, then emails before phone numbers, then by UTF-8 bytes.
    static func valueRanksBefore(_ first: GraphReport.ValueSummary, _ second: GraphReport.ValueSummary) -> Bool {
        if first.weight != second.weight { return first.weight > second.weight }
        if first.field != second.field { return first.field == .email }
        return first.value.utf8.lexicographicallyPrecedes(second.value.utf8)
    }
}
