import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// The table under both built-in stores, on plain values: its indexes and member lists
/// follow plans that grow, merge, split and shrink groups.
@Suite("Contact table")
struct ContactTableTests {
    typealias F = Fixture

    /// Checks `plan` against what the table selects and persists it, as a store does.
    @discardableResult
    private static func run(
        _ table: inout ContactTable, _ selection: ContactSelection, _ writes: [ContactWrite]
    ) throws -> [Int] {
        let checked = try ContactPlan(writes).checked(against: table.select(selection))
        let ids = table.nextIDs(checked.insertCount)
        table.persist(checked, insertedIDs: ids)
        return ids
    }

    private static func ids(_ rows: [Contact]) -> [Int] { rows.map(\.id).sorted() }

    private static let link = ContactLink(email: "c", phoneNumber: "1", createdAt: F.at(4))

    /// Rows 1 (a, 1), 2 (b, 1) of 1, 3 (c, 3) of 1 after a merge, with its link (c, 1).
    private static func mergedTable() throws -> ContactTable {
        var table = ContactTable()
        try run(
            &table, .matching(email: "a", phoneNumber: "1"),
            [.insert(email: "a", phoneNumber: "1", linkedId: nil, createdAt: F.at(1))])
        try run(
            &table, .matching(email: "b", phoneNumber: "1"),
            [.insert(email: "b", phoneNumber: "1", linkedId: 1, createdAt: F.at(2))])
        try run(
            &table, .matching(email: "c", phoneNumber: "3"),
            [.insert(email: "c", phoneNumber: "3", linkedId: nil, createdAt: F.at(3))])
        try run(
            &table, .matching(email: "c", phoneNumber: "1"),
            [.relinkGroup(primaryID: 3, survivorID: 1, updatedAt: F.at(4)), .addLink(link)])
        return table
    }

    @Test("every column of every kind of row reads back as stored, including rows that break the rules")
    func rowsReadBackAsStored() throws {
        // What goes in must come out, even the inconsistent rows of a damaged file (a secondary
        // without a link, a primary with one, a link to a row that does not exist).
        let rows = [
            Contact(
                id: 1, email: "a", phoneNumber: nil, linkedId: nil, linkPrecedence: .primary,
                createdAt: F.at(1), updatedAt: F.at(2)),
            Contact(
                id: 2, email: nil, phoneNumber: "2", linkedId: 1, linkPrecedence: .secondary,
                createdAt: F.at(3), updatedAt: F.at(4), deletedAt: F.at(5)),
            Contact(
                id: 4, email: "c", phoneNumber: "3", linkedId: nil, linkPrecedence: .secondary,
                createdAt: F.at(6), updatedAt: F.at(7)),
            Contact(
                id: 5, email: "d", phoneNumber: nil, linkedId: 0, linkPrecedence: .primary,
                createdAt: F.at(8), updatedAt: F.at(9), deletedAt: F.at(10)),
            Contact(
                id: 7, email: nil, phoneNumber: "4", linkedId: -3, linkPrecedence: .secondary,
                createdAt: F.at(11), updatedAt: F.at(11)),
        ]
        var table = ContactTable()
        for row in rows { table.append(row) }
        #expect(table.rows == rows)
        #expect(rows.map { table.row(id: $0.id) } == rows)
        // Deleting a row keeps its time, and the rows around it are unchanged.
        try Self.run(&table, .group(containingContactID: 1), [.delete(contactID: 1, at: F.at(12))])
        #expect(table.row(id: 1)?.deletedAt == F.at(12))
        #expect(table.row(id: 1)?.updatedAt == F.at(12))
        #expect(Array(table.rows.dropFirst()) == Array(rows.dropFirst()))
        // A row with its place in its group's member list takes 80 bytes: optional storage
        // for `linkedId` or `deletedAt`, or a second list pointer, would make it 88.
        #expect(ContactTable.rowStride <= 80)
    }

    @Test("a row naming a secondary or a deleted row as its primary joins no group's list")
    func rowsOfDamagedFilesJoinNoList() {
        // Such rows exist only in damaged files (verify() reports them); the lists of the
        // intact groups must stay exactly as they were, and every walk must end.
        var table = ContactTable()
        let rows = [
            F.primary(1, "a", nil, at: 1), F.secondary(2, "b", nil, of: 1, at: 2),
            F.secondary(3, "c", nil, of: 2, at: 3), F.primary(4, "d", nil, at: 4, deletedAt: 5),
            F.secondary(5, "e", nil, of: 4, at: 5), F.secondary(6, "f", nil, of: 1, at: 6),
        ]
        for row in rows { table.append(row) }
        #expect(table.members(ofPrimary: 1).map(\.id) == [1, 2, 6])
        #expect(table.members(ofPrimary: 2).map(\.id) == [2])
        #expect(table.members(ofPrimary: 4).map(\.id) == [4])
    }

    @Test("a merge joins the member lists; a split rebuilds them, in both directions")
    func mergeAndSplit() throws {
        var table = try Self.mergedTable()
        #expect(Self.ids(table.members(ofPrimary: 1)) == [1, 2, 3])
        #expect(Self.ids(table.select(.matching(email: "c", phoneNumber: nil)).rows) == [1, 2, 3])
        try Self.run(
            &table, .group(containingContactID: 3), [.setLink(contactID: 3, linkedId: nil, updatedAt: F.at(5))])
        #expect(Self.ids(table.members(ofPrimary: 1)) == [1, 2])
        #expect(Self.ids(table.members(ofPrimary: 3)) == [3])
        #expect(Self.ids(table.select(.matching(email: "c", phoneNumber: nil)).rows) == [3])
        #expect(Self.ids(table.select(.group(containingContactID: 2)).rows) == [1, 2])
        try InvariantChecker.check(table.rows)
        // The groups can merge again after the split.
        try Self.run(
            &table, .matching(email: "c", phoneNumber: "1"),
            [.relinkGroup(primaryID: 3, survivorID: 1, updatedAt: F.at(6))])
        #expect(Self.ids(table.members(ofPrimary: 1)) == [1, 2, 3])
        #expect(table.members(ofPrimary: 3).allSatisfy { $0.linkedId == 1 })
    }

    @Test("deleting the row an index points at hands its values to another live row of the group")
    func deleteHandsValuesOver() throws {
        var table = try Self.mergedTable()
        // Row 1 holds "1" first; 2 holds it too. Delete 1 and promote 2 and 3 on their own.
        try Self.run(
            &table, ContactSelection(contactID: 1, includesLinks: true),
            [
                .delete(contactID: 1, at: F.at(5)), .setLink(contactID: 2, linkedId: nil, updatedAt: F.at(5)),
                .setLink(contactID: 3, linkedId: 2, updatedAt: F.at(5)),
            ])
        #expect(Self.ids(table.select(.matching(email: nil, phoneNumber: "1")).rows) == [2, 3])
        #expect(table.select(.matching(email: "a", phoneNumber: nil)).rows.isEmpty)
        #expect(Self.ids(table.members(ofPrimary: 2)) == [2, 3])
        // The deleted row is selected only when deleted rows are asked for.
        #expect(Self.ids(table.select(.holding(email: "a")).rows) == [1])
        #expect(Self.ids(table.select(.holding(phoneNumber: "1")).rows) == [1, 2, 3])
        #expect(Self.ids(table.select(ContactSelection(contactID: 1, includesDeletedRows: true)).rows) == [1])
        #expect(table.select(.group(containingContactID: 1)).rows.isEmpty)
        // Clearing the deleted row's values removes it from the deleted rows' indexes.
        try Self.run(
            &table, .holding(email: "a"),
            [.clearValues(contactID: 1, email: true, phoneNumber: true, updatedAt: F.at(6))])
        #expect(table.select(.holding(email: "a")).rows.isEmpty)
        #expect(Self.ids(table.select(.holding(phoneNumber: "1")).rows) == [2, 3])
        // Row 1 still links to nothing live, but rows linked to a selected one come with it.
        #expect(Self.ids(table.select(ContactSelection(contactID: 2, includesDeletedRows: true)).rows) == [2, 3])
        try InvariantChecker.check(table.rows)
    }

    @Test("a live row that loses a value leaves the index for it, and a new value is found")
    func clearValuesOfLiveRow() throws {
        var table = try Self.mergedTable()
        try Self.run(
            &table, ContactSelection(contactID: 3, includesLinks: true),
            [.clearValues(contactID: 3, email: false, phoneNumber: true, updatedAt: F.at(5))])
        #expect(table.select(.matching(email: nil, phoneNumber: "3")).rows.isEmpty)
        #expect(Self.ids(table.select(.matching(email: "c", phoneNumber: nil)).rows) == [1, 2, 3])
        try Self.run(
            &table, .matching(email: "d", phoneNumber: "3"),
            [.insert(email: "d", phoneNumber: "3", linkedId: nil, createdAt: F.at(6))])
        #expect(Self.ids(table.select(.matching(email: nil, phoneNumber: "3")).rows) == [4])
    }

    @Test("links are found by either value, and removed")
    func links() throws {
        var table = try Self.mergedTable()
        let link = Self.link
        #expect(table.linkCount == 1)
        #expect(table.select(ContactSelection(email: "c", includesLinks: true)).links == [link])
        #expect(table.select(ContactSelection(phoneNumber: "1", includesLinks: true)).links == [link])
        #expect(table.select(ContactSelection(contactID: 2, includesLinks: true)).links == [link])
        #expect(table.select(.group(containingContactID: 2)).links.isEmpty)
        // Removed with the split it no longer explains.
        try Self.run(
            &table, ContactSelection(contactID: 1, includesLinks: true),
            [.removeLink(link), .setLink(contactID: 3, linkedId: nil, updatedAt: F.at(5))])
        #expect(table.linkCount == 0)
        #expect(table.select(ContactSelection(email: "c", includesLinks: true)).links.isEmpty)
        #expect(table.links.isEmpty)
    }

    @Test("links page in ascending order whatever order they came in, before and after a removal")
    func linksInOrder() throws {
        var table = try Self.mergedTable()
        var random = SplitMix64(seed: 5)
        let extras = (0..<300).map { index in
            ContactLink(
                email: "e\(index % 7)", phoneNumber: "p\(index)",
                createdAt: F.at(Double(Int.random(in: 0..<100, using: &random))))
        }
        for link in extras { table.add(link) }
        func paged() -> [ContactLink] {
            var all: [ContactLink] = []
            var after: ContactLink?
            while true {
                let page = table.links(after: after, limit: 7)
                guard let last = page.last else { return all }
                all += page
                after = last
            }
        }
        #expect(table.links == (extras + [Self.link]).sorted())
        #expect(paged() == (extras + [Self.link]).sorted())
        // A link added out of order after a sort, then a removal.
        let late = ContactLink(email: "e0", phoneNumber: "late", createdAt: F.at(0))
        table.add(late)
        try Self.run(
            &table, ContactSelection(contactID: 1, includesLinks: true),
            [.removeLink(Self.link), .setLink(contactID: 3, linkedId: nil, updatedAt: F.at(5))])
        #expect(table.linkCount == extras.count + 1)
        #expect(table.links == (extras + [late]).sorted())
        #expect(paged() == (extras + [late]).sorted())
    }

    @Test("a replayed plan selects each link of its link values once, found by either value")
    func linksOfLinkValues() throws {
        var table = try Self.mergedTable()
        var random = SplitMix64(seed: 9)
        // Few values, so that links share emails, phone numbers, or both.
        for index in 0..<200 {
            table.add(
                ContactLink(
                    email: "e\(Int.random(in: 0..<5, using: &random))",
                    phoneNumber: "p\(Int.random(in: 0..<5, using: &random))", createdAt: F.at(Double(index))))
        }
        let all = table.links
        for (email, phoneNumber) in [("e1", "p2"), ("e3", "none"), ("none", "p4"), ("c", "1"), ("none", "none")] {
            let selected = table.select(
                groupsOf: [1], linkValues: ([email], [phoneNumber]), includingLinksOfRows: false
            ).links
            let expected = all.filter { $0.email == email || $0.phoneNumber == phoneNumber }
            #expect(selected.sorted() == expected, "\(email), \(phoneNumber)")
        }
    }
}
