import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Creating and importing stores, paging, and read-only lookups.
@Suite("Stores")
struct InMemoryContactStoreTests {
    typealias F = Fixture

    /// Ids with gaps, a group {3, 5}, a deleted secondary 7, a group {9, 12} whose secondary
    /// has the smaller createdAt tie broken by id, and a deleted row 15 holding the largest id.
    static let table = [
        F.primary(3, "a@x.io", "100", at: 10),
        F.secondary(5, "b@x.io", "100", of: 3, at: 20),
        F.secondary(7, "gone@x.io", "100", of: 3, at: 30, deletedAt: 40),
        F.primary(9, nil, "200", at: 5),
        F.secondary(12, "c@x.io", "200", of: 9, at: 5),
        F.primary(15, "old@x.io", "300", at: 1, deletedAt: 2),
    ]

    // MARK: Creating and importing

    @Test("a new store starts at id 1 and counts up")
    func idsStartAtOne() async throws {
        for kind in StoreKind.allCases {
            let resolver = try kind.makeResolver()
            #expect(try await resolver.allContacts().isEmpty)
            for expected in 1...3 {
                let result = try await resolver.identify(email: "p\(expected)@x.io", phoneNumber: nil)
                #expect(result.outcome == .createdPrimary(contactID: expected))
            }
        }
    }

    @Test("InMemoryContactStore(contacts:) keeps rows in id order and continues after the largest id")
    func initWithContacts() async throws {
        let store = try InMemoryContactStore(contacts: Self.table.reversed())
        #expect(try await store.contacts(afterID: 0, limit: 100) == Self.table)
        let resolver = IdentityResolver(store: store, clock: ManualClock(start: F.at(100)))
        #expect(
            try await resolver.identify(email: "new@x.io", phoneNumber: nil).outcome == .createdPrimary(contactID: 16))
        #expect(
            try await resolver.identify(email: "d@x.io", phoneNumber: "200").outcome == .createdSecondary(contactID: 17)
        )
        try InvariantChecker.check(try await resolver.allContacts())
    }

    @Test(
        "InMemoryContactStore(contacts:) refuses rows that break an invariant", arguments: TestKitTests.broken.indices)
    func initRefuses(index: Int) throws {
        let rows = TestKitTests.broken[index].1
        #expect(throws: ContactStoreError.invalidContacts(ContactInvariants.violations(in: rows, links: []))) {
            try InMemoryContactStore(contacts: rows)
        }
    }

    @Test(
        "an import keeps ids, timestamps and soft-deletes; ids continue after the largest",
        arguments: StoreKind.allCases)
    func importKeepsRows(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(clock: ManualClock(start: F.at(100)))
        try await resolver.importContacts(Self.table.shuffled())
        #expect(try await resolver.allContacts() == Self.table)
        #expect(
            try await resolver.identify(email: "gone@x.io", phoneNumber: nil).outcome == .createdPrimary(contactID: 16))
        #expect(
            try await resolver.contact(phoneNumber: "200")
                == ConsolidatedContact(
                    primaryContactID: 9, emails: ["c@x.io"], phoneNumbers: ["200"], secondaryContactIDs: [12]))
    }

    /// A group whose secondaries have smaller ids than its primary (older by `createdAt`),
    /// which stores see before the primary when they load rows in id order.
    static let secondariesBeforePrimary = [
        F.secondary(2, "s@x.io", nil, of: 4, at: 5),
        F.secondary(3, nil, "401", of: 4, at: 6),
        F.primary(4, "p@x.io", "400", at: 1),
        F.primary(6, "q@x.io", nil, at: 0),
    ]
    /// What holds ``secondariesBeforePrimary``'s group of 4 together: its rows share no value.
    static let secondariesBeforePrimaryLinks = [
        ContactLink(email: "s@x.io", phoneNumber: "400", createdAt: F.at(5)),
        ContactLink(email: "p@x.io", phoneNumber: "401", createdAt: F.at(6)),
    ]

    @Test(
        "secondaries imported before their primary belong to its group, in lookups and merges",
        arguments: StoreKind.allCases)
    func secondariesBeforePrimary(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(clock: ManualClock(start: F.at(100)))
        try await resolver.importContacts(Self.secondariesBeforePrimary, links: Self.secondariesBeforePrimaryLinks)
        let group = ConsolidatedContact(
            primaryContactID: 4, emails: ["p@x.io", "s@x.io"], phoneNumbers: ["400", "401"],
            secondaryContactIDs: [2, 3])
        #expect(try await resolver.contact(email: "s@x.io") == group)
        #expect(try await resolver.contact(phoneNumber: "401") == group)
        #expect(try await resolver.contact(id: 2) == group)
        // Group 6 is older: the whole group of 4, its early secondaries included, moves into it.
        let merged = try await resolver.identify(email: "q@x.io", phoneNumber: "401")
        #expect(merged.outcome == .merged(primaryID: 6, demotedPrimaryID: 4))
        #expect(
            merged.contact
                == ConsolidatedContact(
                    primaryContactID: 6, emails: ["q@x.io", "p@x.io", "s@x.io"], phoneNumbers: ["400", "401"],
                    secondaryContactIDs: [4, 2, 3]))
        #expect(try await resolver.contact(email: "s@x.io") == merged.contact)
        try InvariantChecker.check(try await resolver.allContacts())
    }

    /// Plans a custom `decide` might return that would corrupt the groups of ``table``,
    /// decided on the request ("a@x.io", "200"), which matches the groups of 3 and of 9.
    static let invalidChanges: [(ContactPlan, String)] = [
        (.insertPrimary(email: nil, phoneNumber: nil, createdAt: F.at(50)), "neither an email nor a phone number"),
        (.insertPrimary(email: "a@x.io", phoneNumber: nil, createdAt: F.at(50)), "contact 3 of another group"),
        (.insertSecondary(email: nil, phoneNumber: nil, primaryID: 3, createdAt: F.at(50)), "neither an email"),
        (.insertSecondary(email: "c@x.io", phoneNumber: nil, primaryID: 3, createdAt: F.at(50)), "contact 12 of"),
        (.insertSecondary(email: "n@x.io", phoneNumber: nil, primaryID: 5, createdAt: F.at(50)), "primary 5 is not"),
        (.insertSecondary(email: "n@x.io", phoneNumber: nil, primaryID: 15, createdAt: F.at(50)), "primary 15 is not"),
        (.insertSecondary(email: "n@x.io", phoneNumber: nil, primaryID: 99, createdAt: F.at(50)), "primary 99 is not"),
        (
            .insertSecondary(email: "n@x.io", phoneNumber: nil, primaryID: 3, createdAt: F.at(9)),
            "older than its primary"
        ),
        (.merge(primaryID: 3, demotedPrimaryID: 3, updatedAt: F.at(50)), "into itself"),
        (.merge(primaryID: 3, demotedPrimaryID: 5, updatedAt: F.at(50)), "demoted primary 5 is not"),
        (.merge(primaryID: 5, demotedPrimaryID: 9, updatedAt: F.at(50)), "primary 5 is not"),
        (.merge(primaryID: 3, demotedPrimaryID: 9, updatedAt: F.at(50)), "9 is older than 3"),
        (.merge(primaryID: 9, demotedPrimaryID: 15, updatedAt: F.at(50)), "demoted primary 15 is not"),
        (ContactPlan([.setLink(contactID: 5, linkedId: 9, updatedAt: F.at(50))]), "would break an invariant"),
        (ContactPlan([.setLink(contactID: 5, linkedId: 5, updatedAt: F.at(50))]), "cannot link to itself"),
        (ContactPlan([.setLink(contactID: 7, linkedId: nil, updatedAt: F.at(50))]), "7 is not a live row"),
        (ContactPlan([.delete(contactID: 3, at: F.at(50))]), "would break an invariant"),
        (ContactPlan([.delete(contactID: 99, at: F.at(50))]), "99 is not a live row"),
        (
            ContactPlan([.clearValues(contactID: 9, email: false, phoneNumber: true, updatedAt: F.at(50))]),
            "neither an email nor a phone number"
        ),
        (ContactPlan([.clearValues(contactID: 9, email: true, phoneNumber: false, updatedAt: F.at(50))]), "no email"),
        (ContactPlan([.clearValues(contactID: 3, email: false, phoneNumber: false, updatedAt: F.at(50))]), "neither"),
        (
            ContactPlan([.addLink(ContactLink(email: "a@x.io", phoneNumber: "200", createdAt: F.at(50)))]),
            "does not join values held by one group"
        ),
        (
            ContactPlan([.removeLink(ContactLink(email: "a@x.io", phoneNumber: "100", createdAt: F.at(50)))]),
            "not among the selected links"
        ),
        (
            ContactPlan([
                .relinkGroup(primaryID: 3, survivorID: 9, updatedAt: F.at(50)),
                .insert(email: "n@x.io", phoneNumber: nil, linkedId: 3, createdAt: F.at(50)),
            ]),
            "primary 3 is not a live primary"
        ),
        // Dates no row may hold (`Contact.isValidDate(_:)`), whatever the write.
        (
            .insertPrimary(email: "n@x.io", phoneNumber: nil, createdAt: TestKitTests.year10000),
            "the new row's createdAt (253402300800.0 seconds from 1970) is outside years 1 through 9999"
        ),
        (.merge(primaryID: 9, demotedPrimaryID: 3, updatedAt: .distantFuture.addingTimeInterval(1e12)), "updatedAt ("),
        (
            ContactPlan([.setLink(contactID: 5, linkedId: 3, updatedAt: Date(timeIntervalSince1970: -.infinity))]),
            "updatedAt (-inf"
        ),
        (
            ContactPlan([.delete(contactID: 5, at: Date(timeIntervalSince1970: -62_135_596_801))]),
            "deletedAt (-62135596801.0"
        ),
        (
            ContactPlan([.clearValues(contactID: 5, email: true, phoneNumber: false, updatedAt: TestKitTests.year10000)]
            ),
            "updatedAt (253402300800.0"
        ),
        (
            ContactPlan([
                .addLink(
                    ContactLink(email: "a@x.io", phoneNumber: "100", createdAt: .init(timeIntervalSince1970: .infinity))
                )
            ]),
            "the new link's createdAt (inf"
        ),
    ]

    @Test(
        "a plan from a custom decide that would break the invariants is refused, and nothing is written",
        arguments: StoreKind.allCases, invalidChanges.indices)
    func invalidChangeRefused(kind: StoreKind, index: Int) async throws {
        let (change, reason) = Self.invalidChanges[index]
        let resolver = try kind.makeResolver(clock: ManualClock(start: F.at(100)))
        try await resolver.importContacts(Self.table)
        await #expect {
            try await resolver.store.commit(reading: .matching(email: "a@x.io", phoneNumber: "200")) { _ in change }
        } throws: { error in
            guard case .invalidPlan(let refused, let message) = error as? ContactStoreError else { return false }
            return refused == change && message.contains(reason)
        }
        #expect(try await resolver.allContacts() == Self.table)
        // The store is still usable, and the next row gets the next id.
        #expect(
            try await resolver.identify(email: "n@x.io", phoneNumber: nil).outcome == .createdPrimary(contactID: 16))
    }

    @Test("an import is refused when the store holds rows, and nothing changes", arguments: StoreKind.allCases)
    func importRefusedWhenNotEmpty(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: nil)
        let before = try await resolver.allContacts()
        let valid = [F.primary(10, "z@x.io", nil, at: 1)]
        await #expect(throws: ContactStoreError.notEmpty) { try await resolver.importContacts(valid) }
        await #expect(throws: ContactStoreError.notEmpty) {
            try await resolver.store.importContacts(ContactImport(contacts: valid))
        }
        #expect(try await resolver.allContacts() == before)
        // The resolver checks the rows first, so broken rows are named even then.
        let broken = TestKitTests.broken[0].1
        await #expect(throws: ContactStoreError.invalidContacts(ContactInvariants.violations(in: broken, links: []))) {
            try await resolver.importContacts(broken)
        }
    }

    @Test(
        "an import of broken rows is refused whole, by the resolver and by the checked import type",
        arguments: StoreKind.allCases)
    func importRefusesBrokenRows(kind: StoreKind) async throws {
        for (_, rows, name) in TestKitTests.broken {
            let expected = ContactStoreError.invalidContacts(ContactInvariants.violations(in: rows, links: []))
            let resolver = try kind.makeResolver()
            await #expect(throws: expected, "\(name)") { try await resolver.importContacts(rows) }
            #expect(throws: expected, "\(name)") { try ContactImport(contacts: rows) }
            #expect(try await resolver.allContacts().isEmpty, "\(name)")
            // The store is still empty and usable.
            #expect(
                try await resolver.identify(email: "a@x.io", phoneNumber: nil).outcome == .createdPrimary(contactID: 1))
        }
    }

    @Test("importing nothing leaves an empty store that starts at id 1", arguments: StoreKind.allCases)
    func importNothing(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        try await resolver.importContacts([])
        try await resolver.importContacts(Self.table)
        #expect(try await resolver.allContacts() == Self.table)
    }

    @Test("store errors read well")
    func errorDescriptions() {
        #expect(
            ContactStoreError.notEmpty.description == "the store already holds contacts; import needs an empty store")
        let violations = ContactInvariants.violations(in: TestKitTests.broken[0].1)
        #expect(
            ContactStoreError.invalidContacts(violations).description
                == "the contacts break 1 invariant(s): contact 0: id is not in 1..<Int.max")
    }

    // MARK: Paging

    @Test(
        "contacts(afterID:limit:) pages in id order, deleted rows included",
        arguments: [
            (0, 100, [3, 5, 7, 9, 12, 15]),
            (0, 2, [3, 5]),
            (5, 2, [7, 9]),
            (4, 1, [5]),
            (11, 1, [12]),
            (12, 10, [15]),
            (15, 10, []),
            (100, 10, []),
            (-5, 3, [3, 5, 7]),
            (Int.min, 1, [3]),
            (0, 0, []),
            (0, -1, []),
            (0, Int.min, []),
            (0, Int.max, [3, 5, 7, 9, 12, 15]),
            (9, Int.max, [12, 15]),
            (Int.max, Int.max, []),
        ])
    func paging(afterID: Int, limit: Int, expected: [Int]) async throws {
        for kind in StoreKind.allCases {
            let store = try kind.makeStore()
            try await store.importContacts(ContactImport(contacts: Self.table))
            #expect(try await store.contacts(afterID: afterID, limit: limit).map(\.id) == expected, "\(kind)")
        }
    }

    @Test("paging an empty store, and paging one row at a time", arguments: StoreKind.allCases)
    func pagingWalk(kind: StoreKind) async throws {
        let store = try kind.makeStore()
        #expect(try await store.contacts(afterID: 0, limit: 10).isEmpty)
        try await store.importContacts(ContactImport(contacts: Self.table))
        var walked: [Contact] = []
        // Bounded, so paging that does not move forward fails the test instead of hanging it.
        while walked.count <= Self.table.count,
            let next = try await store.contacts(afterID: walked.last?.id ?? 0, limit: 1).first
        {
            walked.append(next)
        }
        #expect(walked == Self.table)
    }

    @Test("allContacts reads past its page size", arguments: StoreKind.allCases, [9_999, 10_000, 10_001, 20_001])
    func allContactsPages(kind: StoreKind, count: Int) async throws {
        let rows = (1...count).map { F.primary($0, "p\($0)@x.io", nil, at: Double($0)) }
        let resolver = try kind.makeResolver()
        try await resolver.importContacts(rows)
        let all = try await resolver.allContacts()
        #expect(all.count == count)
        #expect(all.first?.id == 1 && all.last?.id == count)
    }

    // MARK: Lookups

    @Test("lookups find the whole group from any live row and write nothing", arguments: StoreKind.allCases)
    func lookups(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        try await resolver.importContacts(Self.table)
        let before = try await resolver.allContacts()
        let group3 = ConsolidatedContact(
            primaryContactID: 3, emails: ["a@x.io", "b@x.io"], phoneNumbers: ["100"], secondaryContactIDs: [5])
        let group9 = ConsolidatedContact(
            primaryContactID: 9, emails: ["c@x.io"], phoneNumbers: ["200"], secondaryContactIDs: [12])

        #expect(try await resolver.contact(id: 3) == group3)
        #expect(try await resolver.contact(id: 5) == group3)
        #expect(try await resolver.contact(id: 9) == group9)
        #expect(try await resolver.contact(id: 12) == group9)
        for id in [7, 15, 0, -1, 4, 16, 1_000, Int.max, Int.min] {
            #expect(try await resolver.contact(id: id) == nil, "id \(id)")
            #expect(try await resolver.store.group(containingContactID: id).isEmpty, "id \(id)")
        }
        #expect(try await resolver.contact(email: "b@x.io") == group3)
        #expect(try await resolver.contact(email: "c@x.io") == group9)
        #expect(try await resolver.contact(phoneNumber: "100") == group3)
        #expect(try await resolver.contact(email: "gone@x.io") == nil)
        #expect(try await resolver.contact(phoneNumber: "300") == nil)
        #expect(try await resolver.contact(email: "nobody@x.io") == nil)

        let store = resolver.store
        #expect(Set(try await store.group(containingContactID: 5).map(\.id)) == [3, 5])
        #expect(Set(try await store.rows(matchingEmail: "a@x.io", phoneNumber: "200").map(\.id)) == [3, 5, 9, 12])
        #expect(Set(try await store.rows(matchingEmail: "c@x.io", phoneNumber: "200").map(\.id)) == [9, 12])
        #expect(Set(try await store.rows(matchingEmail: nil, phoneNumber: "100").map(\.id)) == [3, 5])
        #expect(try await store.rows(matchingEmail: nil, phoneNumber: nil).isEmpty)
        #expect(try await store.rows(matchingEmail: "gone@x.io", phoneNumber: "300").isEmpty)
        #expect(try await resolver.allContacts() == before)
    }
}
