import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import Testing

@Suite("Plan persistence", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct PlanPersistenceTests {
    static let epoch = Date(timeIntervalSince1970: 1_600_000_000)

    static func at(_ seconds: Double) -> Date { epoch.addingTimeInterval(seconds) }

    /// One transaction of the script: what it reads and the plan it persists.
    struct Step: Sendable {
        var selection: ContactSelection
        var writes: [ContactWrite]
    }

    /// Plans using every kind of `ContactWrite`, alone and together, each decided on what its
    /// selection reads. Ids are those a store assigns from 1.
    static let script: [Step] = [
        // 1, 2: two primaries.
        Step(
            selection: .matching(email: "a@x.io", phoneNumber: "1"),
            writes: [.insert(email: "a@x.io", phoneNumber: "1", linkedId: nil, createdAt: at(1))]),
        Step(
            selection: .matching(email: "b@x.io", phoneNumber: "2"),
            writes: [.insert(email: "b@x.io", phoneNumber: "2", linkedId: nil, createdAt: at(2))]),
        // 3: a secondary of 1; 4: a third primary.
        Step(
            selection: .matching(email: "a2@x.io", phoneNumber: "1"),
            writes: [.insert(email: "a2@x.io", phoneNumber: "1", linkedId: 1, createdAt: at(3))]),
        Step(
            selection: .matching(email: "c@x.io", phoneNumber: "3"),
            writes: [.insert(email: "c@x.io", phoneNumber: "3", linkedId: nil, createdAt: at(4))]),
        // 5: a secondary of 4, and 6: a new primary, in one plan.
        Step(
            selection: .matching(email: "c2@x.io", phoneNumber: "3"),
            writes: [
                .insert(email: "c2@x.io", phoneNumber: "3", linkedId: 4, createdAt: at(5)),
                .insert(email: "d@x.io", phoneNumber: nil, linkedId: nil, createdAt: at(5)),
            ]),
        // A merge of 2 into 1, recorded as a link.
        Step(
            selection: .matching(email: "a@x.io", phoneNumber: "2"),
            writes: [
                .relinkGroup(primaryID: 2, survivorID: 1, updatedAt: at(6)),
                .addLink(ContactLink(email: "a@x.io", phoneNumber: "2", createdAt: at(6))),
            ]),
        // 4 deleted, 5 made the primary of what is left of its group.
        Step(
            selection: .group(containingContactID: 5),
            writes: [.delete(contactID: 4, at: at(7)), .setLink(contactID: 5, linkedId: nil, updatedAt: at(7))]),
        // Values cleared from a deleted row and from a live one.
        Step(
            selection: .holding(email: "c@x.io"),
            writes: [.clearValues(contactID: 4, email: true, phoneNumber: false, updatedAt: at(8))]),
        // (A row-level write is checked against the group's links, so they are read too.)
        Step(
            selection: ContactSelection(email: "a2@x.io", includesLinks: true),
            writes: [.clearValues(contactID: 3, email: true, phoneNumber: false, updatedAt: at(9))]),
        // A merge of a group of three rows (5's group, 6 joined to it) into 1, with an insert.
        Step(
            selection: .matching(email: "d@x.io", phoneNumber: "3"),
            writes: [
                .relinkGroup(primaryID: 6, survivorID: 5, updatedAt: at(10)),
                .addLink(ContactLink(email: "d@x.io", phoneNumber: "3", createdAt: at(10))),
            ]),
        Step(
            selection: .matching(email: "a@x.io", phoneNumber: "3"),
            writes: [
                .relinkGroup(primaryID: 5, survivorID: 1, updatedAt: at(11)),
                .insert(email: "n@x.io", phoneNumber: "3", linkedId: 1, createdAt: at(11)),
                .addLink(ContactLink(email: "a@x.io", phoneNumber: "3", createdAt: at(11))),
            ]),
        // The first link removed again, and 2 deleted.
        Step(
            selection: .holding(email: "a@x.io"),
            writes: [
                .removeLink(ContactLink(email: "a@x.io", phoneNumber: "2", createdAt: at(6))),
                .delete(contactID: 2, at: at(12)),
            ]),
    ]

    /// The selections compared after every step: every value and id of the script, read
    /// every way.
    static var probes: [ContactSelection] {
        let emails = ["a@x.io", "a2@x.io", "b@x.io", "c@x.io", "c2@x.io", "d@x.io", "n@x.io", "none@x.io"]
        let phones = ["1", "2", "3", "9"]
        var probes: [ContactSelection] = []
        for deleted in [false, true] {
            for links in [false, true] {
                for email in emails {
                    probes.append(ContactSelection(email: email, includesDeletedRows: deleted, includesLinks: links))
                }
                for phone in phones {
                    probes.append(
                        ContactSelection(phoneNumber: phone, includesDeletedRows: deleted, includesLinks: links))
                }
                for id in 0...9 {
                    probes.append(ContactSelection(contactID: id, includesDeletedRows: deleted, includesLinks: links))
                }
                probes.append(
                    ContactSelection(
                        email: "b@x.io", phoneNumber: "3", contactID: 4, includesDeletedRows: deleted,
                        includesLinks: links))
            }
        }
        return probes
    }

    /// Each plan persists exactly as in `InMemoryContactStore`: the same commit, the same
    /// rows listed, and the same rows and links read by every selection, after every step.
    @Test func everyKindOfWritePersistsLikeTheInMemoryStore() async throws {
        let kinds = Set(Self.script.flatMap(\.writes).map(Self.kind))
        #expect(kinds.count == 7, "the script must use every kind of write: \(kinds.sorted())")
        try await TestDatabase.withClient { client, scratch in
            let postgres = try await scratch.store(client)
            let memory = InMemoryContactStore()
            for (index, step) in Self.script.enumerated() {
                let plan = ContactPlan(step.writes)
                let actual = try await postgres.commit(reading: step.selection) { _ in plan }
                let expected = try await memory.commit(reading: step.selection) { _ in plan }
                #expect(actual.insertedIDs == expected.insertedIDs, "step \(index)")
                #expect(Self.sorted(actual.rows) == Self.sorted(expected.rows), "step \(index): commit rows")
                #expect(
                    Self.normalized(actual.selected) == Self.normalized(expected.selected), "step \(index): selected")
                let listed = try await postgres.contacts(afterID: 0, limit: 100)
                #expect(listed == (try await memory.contacts(afterID: 0, limit: 100)), "step \(index): rows")
                let links = try await memory.links(after: nil, limit: 100)
                for size in [1, 2, 100] {
                    let pages = try await Self.pages(of: postgres, size: size)
                    #expect(pages == (try await Self.pages(of: memory, size: size)), "step \(index): links")
                    #expect(Array(pages.joined()) == links, "step \(index): links by \(size)")
                }
                for probe in Self.probes {
                    let read = Self.normalized(try await postgres.read(probe))
                    #expect(read == Self.normalized(try await memory.read(probe)), "step \(index): read \(probe)")
                }
            }
            _ = try await InvariantChecker.check(store: postgres)
        }
    }

    /// Links paged in `ContactLink`'s order compare byte for byte, ties on `createdAt`
    /// included, and a cursor between two stored microseconds skips exactly the links before
    /// it, as in `InMemoryContactStore`.
    @Test func linksPageLikeTheInMemoryStore() async throws {
        // Dates that PostgreSQL stores exactly (whole multiples of 1/64 s).
        let dates = [Self.at(1), Self.at(1 + 1.0 / 64), Self.at(2)]
        let emails = ["a@x.io", "B@x.io", "ab@x.io", "é@x.io"]
        let phones = ["1", "10", "2"]
        let rows = [
            Contact(
                id: 1, email: "a@x.io", phoneNumber: "1", linkedId: nil, linkPrecedence: .primary,
                createdAt: Self.at(0), updatedAt: Self.at(0)),
            Contact(
                id: 2, email: "B@x.io", phoneNumber: "1", linkedId: 1, linkPrecedence: .secondary,
                createdAt: Self.at(0), updatedAt: Self.at(0)),
            Contact(
                id: 3, email: "é@x.io", phoneNumber: "1", linkedId: 1, linkPrecedence: .secondary,
                createdAt: Self.at(0), updatedAt: Self.at(0)),
            // Joined to the group by the links only.
            Contact(
                id: 4, email: "ab@x.io", phoneNumber: "10", linkedId: 1, linkPrecedence: .secondary,
                createdAt: Self.at(0), updatedAt: Self.at(0)),
            Contact(
                id: 5, email: nil, phoneNumber: "2", linkedId: 1, linkPrecedence: .secondary,
                createdAt: Self.at(0), updatedAt: Self.at(0)),
        ]
        let pairs = emails.flatMap { email in phones.map { (email, $0) } }
        let links = pairs.enumerated().flatMap { index, pair in
            [dates[index % dates.count], Self.at(3)].map {
                ContactLink(email: pair.0, phoneNumber: pair.1, createdAt: $0)
            }
        }
        let contents = try ContactImport(contacts: rows, links: links)
        try await TestDatabase.withClient { client, scratch in
            let postgres = try await scratch.store(client)
            let memory = InMemoryContactStore()
            try await postgres.importContacts(contents)
            try await memory.importContacts(contents)
            #expect(try await postgres.links(after: nil, limit: 100) == links.sorted())
            for size in [1, 2, 3, 5, 100] {
                #expect(
                    try await Self.pages(of: postgres, size: size) == (try await Self.pages(of: memory, size: size)))
            }
            // Cursors: every stored link, and links a quarter of a microsecond (2^-22 s) around
            // each stored date, with emails before and after every stored one.
            var cursors = links
            for date in dates + [Self.at(3)] {
                for offset in [-0x1p-22, 0, 0x1p-22] {
                    for email in ["", "a@x.io", "zz@x.io", "\u{10FFFF}"] {
                        cursors.append(
                            ContactLink(email: email, phoneNumber: "1", createdAt: date.addingTimeInterval(offset)))
                    }
                }
            }
            for cursor in cursors {
                for limit in [0, 1, 4, 100] {
                    let page = try await postgres.links(after: cursor, limit: limit)
                    #expect(page == (try await memory.links(after: cursor, limit: limit)), "after \(cursor), \(limit)")
                }
            }
        }
    }

    /// Every link of `store`, in pages of `size`, each page starting after the last of the
    /// previous one.
    static func pages(of store: some ContactStore, size: Int) async throws -> [[ContactLink]] {
        var pages: [[ContactLink]] = []
        var last: ContactLink?
        while true {
            let page = try await store.links(after: last, limit: size)
            guard let end = page.last else { return pages }
            pages.append(page)
            last = end
        }
    }

    static func kind(_ write: ContactWrite) -> String {
        switch write {
        case .insert: "insert"
        case .relinkGroup: "relinkGroup"
        case .setLink: "setLink"
        case .delete: "delete"
        case .clearValues: "clearValues"
        case .addLink: "addLink"
        case .removeLink: "removeLink"
        }
    }

    static func sorted(_ rows: [Contact]) -> [Contact] { rows.sorted { $0.id < $1.id } }

    /// A read in a canonical order: selections promise no order.
    static func normalized(_ selected: SelectedContacts) -> SelectedContacts {
        SelectedContacts(
            rows: sorted(selected.rows),
            links: selected.links.sorted { ($0.email, $0.phoneNumber) < ($1.email, $1.phoneNumber) })
    }
}
