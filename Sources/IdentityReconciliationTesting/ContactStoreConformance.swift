public import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The conformance check every ``IdentityReconciliation/ContactStore`` must pass: the same scenarios and
/// invariants for the built-in stores and for stores you write.
///
/// Each scenario runs on a new, empty store from your factory. Failures are thrown as
/// ``ConformanceFailure`` values, so any test framework can run it:
///
/// ```swift
/// @Test func conformance() async throws {
///     try await ContactStoreConformance { MyStore(path: temporaryPath()) }.run()
/// }
/// ```
///
/// Scenarios: the task's official examples, every reconciliation rule, idempotence,
/// `nil` never matching `nil`, soft-deleted rows never matching, import (ids kept, ids
/// continuing after it, refused when not empty), refusing a decided plan that breaks the
/// invariants (``IdentityReconciliation/ContactPlan/checked(against:)``), persisting every
/// primitive write exactly (each kind of ``IdentityReconciliation/ContactWrite`` in plans of one and of
/// several writes, read back through every read),
/// the corrections (a placeholder value's groups split back apart, deletes that promote a
/// secondary, forgetting a value only deleted rows hold, erasure leaving tombstones and no
/// links, not-found errors writing nothing), the read methods and paging, agreement with ``IdentityReconciliation/InMemoryContactStore`` on seeded random request
/// sequences, concurrent identifies (invariants hold and the groups equal a sequential
/// replay), corrections running alongside identifies (the invariants, the evidence's
/// included, hold), and rows and links dated at both ends of
/// ``IdentityReconciliation/Contact/isValidDate(_:)`` kept exactly.
public struct ContactStoreConformance: Sendable {
    /// One scenario of the check.
    public struct Scenario: Sendable {
        /// The scenario's name, used in failures.
        public let name: String
        let body: @Sendable (ContactStoreConformance) async throws -> Void
    }

    private let makeStore: @Sendable () async throws -> any ContactStore

    /// Creates the check.
    ///
    /// - Parameter makeStore: Returns a new, empty store each time it is called.
    public init(makeStore: @escaping @Sendable () async throws -> any ContactStore) {
        self.makeStore = makeStore
    }

    /// Every scenario, in the order ``run()`` runs them.
    public static var scenarios: [Scenario] {
        [
            Scenario(name: "first identify creates primary 1", body: { try await $0.firstRowIsOne() }),
            Scenario(name: "official example: lorraine and mcfly", body: { try await $0.officialLinkExample() }),
            Scenario(name: "official example: george and biff merge", body: { try await $0.officialMergeExample() }),
            Scenario(name: "idempotent requests write nothing", body: { try await $0.idempotence() }),
            Scenario(name: "nil never matches nil", body: { try await $0.nilMatchesNothing() }),
            Scenario(name: "merge relinks the whole newer group", body: { try await $0.mergeRelinksGroup() }),
            Scenario(name: "import keeps rows and soft-deletes", body: { try await $0.importAndDeletedRows() }),
            Scenario(name: "import is refused when not empty", body: { try await $0.importRefusals() }),
            Scenario(
                name: "a decided plan that breaks the invariants is refused",
                body: { try await $0.invalidChangesRefused() }),
            Scenario(name: "every primitive write is persisted exactly", body: { try await $0.primitiveWrites() }),
            Scenario(name: "corrections split groups exactly", body: { try await $0.correctionsSplit() }),
            Scenario(name: "erasure leaves tombstones", body: { try await $0.erasure() }),
            Scenario(name: "reads and paging", body: { try await $0.readsAndPaging() }),
            Scenario(name: "agrees with the in-memory store", body: { try await $0.agreesWithReference() }),
            Scenario(name: "concurrent identifies", body: { try await $0.concurrentIdentifies() }),
            Scenario(
                name: "concurrent corrections and identifies", body: { try await $0.concurrentCorrections() }),
            Scenario(name: "the first and last valid dates are kept", body: { try await $0.extremeDates() }),
        ]
    }

    /// Runs every scenario, stopping at the first failure.
    ///
    /// - Throws: ``ConformanceFailure`` naming the scenario and what went wrong.
    public func run() async throws {
        for scenario in Self.scenarios {
            try await run(scenario)
        }
    }

    /// Runs one scenario.
    ///
    /// - Throws: ``ConformanceFailure`` naming the scenario and what went wrong.
    public func run(_ scenario: Scenario) async throws {
        do {
            try await scenario.body(self)
        } catch let failure as ConformanceFailure {
            throw failure
        } catch {
            throw ConformanceFailure(scenario: scenario.name, message: "unexpected error: \(error)")
        }
    }

    // MARK: - Scenarios

    private func resolver(clock: ManualClock = ManualClock(step: 1)) async throws -> IdentityResolver<AnyContactStore> {
        IdentityResolver(store: AnyContactStore(try await makeStore()), clock: clock)
    }

    private func firstRowIsOne() async throws {
        let resolver = try await resolver()
        let result = try await resolver.identify(email: "doc@hillvalley.edu", phoneNumber: "555")
        try expect(result.outcome == .createdPrimary(contactID: 1), "first row", "outcome \(result.outcome)")
        try expect(
            result.contact
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["doc@hillvalley.edu"], phoneNumbers: ["555"], secondaryContactIDs: []),
            "first row", "contact \(result.contact)")
        let second = try await resolver.identify(email: "marty@hillvalley.edu", phoneNumber: nil)
        try expect(second.outcome == .createdPrimary(contactID: 2), "first row", "second id: \(second.outcome)")
    }

    private func officialLinkExample() async throws {
        let name = "official example: lorraine and mcfly"
        let resolver = try await resolver()
        _ = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        let linked = try await resolver.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
        try expect(linked.outcome == .createdSecondary(contactID: 2), name, "outcome \(linked.outcome)")
        let expected = ConsolidatedContact(
            primaryContactID: 1,
            emails: ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"],
            phoneNumbers: ["123456"],
            secondaryContactIDs: [2]
        )
        try expect(linked.contact == expected, name, "contact \(linked.contact)")
        for (email, phone) in [
            (nil, "123456"), ("lorraine@hillvalley.edu", nil), ("mcfly@hillvalley.edu", nil),
        ] as [(String?, String?)] {
            let again = try await resolver.identify(email: email, phoneNumber: phone)
            try expect(again.outcome == .unchanged, name, "(\(email ?? "nil"), \(phone ?? "nil")) wrote something")
            try expect(again.contact == expected, name, "(\(email ?? "nil"), \(phone ?? "nil")) → \(again.contact)")
        }
        let rows = try await checkedRows(resolver.store, name)
        try expect(rows.count == 2, name, "expected 2 rows, found \(rows.count)")
    }

    private func officialMergeExample() async throws {
        let name = "official example: george and biff merge"
        let clock = ManualClock(step: 1)
        let resolver = try await resolver(clock: clock)
        _ = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
        _ = try await resolver.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "717171")
        let merged = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "717171")
        try expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 2), name, "outcome \(merged.outcome)")
        try expect(
            merged.contact
                == ConsolidatedContact(
                    primaryContactID: 1,
                    emails: ["george@hillvalley.edu", "biffsucks@hillvalley.edu"],
                    phoneNumbers: ["919191", "717171"],
                    secondaryContactIDs: [2]
                ), name, "contact \(merged.contact)")
        let rows = try await checkedRows(resolver.store, name)
        try expect(rows.count == 2, name, "a merge inserted a row: \(rows.count) rows")
        let demoted = rows[1]
        try expect(
            demoted.linkPrecedence == .secondary && demoted.linkedId == 1, name, "row 2 not relinked: \(demoted)")
        try expect(demoted.updatedAt > demoted.createdAt, name, "row 2 updatedAt not renewed")
        try expect(rows[0].updatedAt == rows[0].createdAt, name, "the surviving primary was changed")
    }

    private func idempotence() async throws {
        let name = "idempotent requests write nothing"
        let resolver = try await resolver()
        let requests: [(String?, String?)] = [("a@x.io", "1"), ("b@x.io", "1"), ("a@x.io", "2"), ("b@x.io", "2")]
        for (email, phone) in requests { _ = try await resolver.identify(email: email, phoneNumber: phone) }
        let before = try await checkedRows(resolver.store, name)
        for (email, phone) in requests + [("a@x.io", nil), (nil, "2")] {
            let again = try await resolver.identify(email: email, phoneNumber: phone)
            try expect(again.outcome == .unchanged, name, "repeat of (\(email ?? "nil"), \(phone ?? "nil")) wrote")
        }
        let after = try await checkedRows(resolver.store, name)
        try expect(before == after, name, "rows changed on repeated requests")
    }

    private func nilMatchesNothing() async throws {
        let name = "nil never matches nil"
        let resolver = try await resolver()
        let first = try await resolver.identify(email: "only-email@x.io", phoneNumber: nil)
        let second = try await resolver.identify(email: nil, phoneNumber: "42")
        let third = try await resolver.identify(email: "other@x.io", phoneNumber: nil)
        try expect(first.outcome == .createdPrimary(contactID: 1), name, "first \(first.outcome)")
        try expect(second.outcome == .createdPrimary(contactID: 2), name, "phone-only matched an email-only row")
        try expect(third.outcome == .createdPrimary(contactID: 3), name, "email-only matched a phone-only row")
        let none = try await resolver.store.read(.matching(email: nil, phoneNumber: nil))
        try expect(none.rows.isEmpty, name, "read(.matching(nil, nil)) returned \(none.rows.count) rows")
        let byDeleted = try await resolver.store.read(.holding(email: nil, phoneNumber: nil))
        try expect(byDeleted.rows.isEmpty, name, "read(.holding(nil, nil)) returned \(byDeleted.rows.count) rows")
    }

    private func mergeRelinksGroup() async throws {
        let name = "merge relinks the whole newer group"
        let resolver = try await resolver()
        _ = try await resolver.identify(email: "old@x.io", phoneNumber: "1")  // 1
        _ = try await resolver.identify(email: "new@x.io", phoneNumber: "2")  // 2
        _ = try await resolver.identify(email: "new2@x.io", phoneNumber: "2")  // 3 → group 2
        _ = try await resolver.identify(email: "new3@x.io", phoneNumber: "2")  // 4 → group 2
        // The phone matches the older group: the email's group (newer) is demoted.
        let merged = try await resolver.identify(email: "new3@x.io", phoneNumber: "1")
        try expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 2), name, "outcome \(merged.outcome)")
        try expect(merged.contact.secondaryContactIDs == [2, 3, 4], name, "secondaries \(merged.contact)")
        try expect(
            merged.contact.emails == ["old@x.io", "new@x.io", "new2@x.io", "new3@x.io"], name,
            "emails \(merged.contact.emails)")
        try expect(merged.contact.phoneNumbers == ["1", "2"], name, "phones \(merged.contact.phoneNumbers)")
        let rows = try await checkedRows(resolver.store, name)
        try expect(rows.dropFirst().allSatisfy { $0.linkedId == 1 }, name, "a row still links to 2: \(rows)")
        let viaOld = try await resolver.contact(id: 3)
        try expect(viaOld == merged.contact, name, "contact(id: 3) → \(String(describing: viaOld))")
    }

    private func importAndDeletedRows() async throws {
        let name = "import keeps rows and soft-deletes"
        let resolver = try await resolver(clock: ManualClock(start: Self.epoch.addingTimeInterval(1_000), step: 1))
        let imported = Self.importFixture
        try await resolver.importContacts(imported)
        let rows = try await checkedRows(resolver.store, name)
        try expect(rows == imported, name, "imported rows read back differently: \(rows)")
        // Row 7 is deleted: its email matches nothing, so a new primary is created after the largest id.
        let deleted = try await resolver.identify(email: "gone@x.io", phoneNumber: nil)
        try expect(deleted.outcome == .createdPrimary(contactID: 13), name, "deleted row matched: \(deleted.outcome)")
        let group = try await resolver.identify(email: nil, phoneNumber: "100")
        try expect(
            group.contact
                == ConsolidatedContact(
                    primaryContactID: 3, emails: ["a@x.io", "b@x.io"], phoneNumbers: ["100"],
                    secondaryContactIDs: [5]), name, "deleted row appeared: \(group.contact)")
        let byDeletedID = try await resolver.contact(id: 7)
        try expect(byDeletedID == nil, name, "contact(id:) returned a deleted row's group")
    }

    /// Rows and a link dated at both ends of ``Contact/isValidDate(_:)`` read back exactly,
    /// imported and written by an identify.
    private func extremeDates() async throws {
        let name = "the first and last valid dates are kept"
        let first = Date(timeIntervalSince1970: -62_135_596_800)  // 0001-01-01T00:00:00.000Z
        let last = Date(timeIntervalSince1970: 253_402_300_799.999)  // 9999-12-31T23:59:59.999Z
        let imported = [
            Contact(
                id: 1, email: "a@x.io", phoneNumber: "1", linkedId: nil, linkPrecedence: .primary, createdAt: first,
                updatedAt: last),
            Contact(
                id: 2, email: "b@x.io", phoneNumber: "2", linkedId: 1, linkPrecedence: .secondary, createdAt: last,
                updatedAt: last),
            Contact(
                id: 3, email: "c@x.io", phoneNumber: nil, linkedId: 1, linkPrecedence: .secondary, createdAt: first,
                updatedAt: last, deletedAt: last),
        ]
        let links = [ContactLink(email: "a@x.io", phoneNumber: "2", createdAt: last)]
        let resolver = try await resolver(clock: ManualClock(start: last))
        try await resolver.importContacts(imported, links: links)
        let rows = try await checkedRows(resolver.store, name)
        try expect(rows == imported, name, "imported rows read back differently: \(rows)")
        let readLinks = try await resolver.allLinks()
        try expect(readLinks == links, name, "imported links read back differently: \(readLinks)")
        _ = try await resolver.identify(email: "d@x.io", phoneNumber: "1")
        let inserted = try await checkedRows(resolver.store, name).last
        try expect(
            inserted?.createdAt == last && inserted?.updatedAt == last, name,
            "a row written at the last valid date reads back as \(String(describing: inserted))")
    }

    private func importRefusals() async throws {
        let name = "import is refused when not empty"
        let store = try await makeStore()
        try await store.importContacts(ContactImport(contacts: Self.importFixture))
        do {
            try await store.importContacts(ContactImport(contacts: Self.importFixture))
            throw ConformanceFailure(scenario: name, message: "an import into a non-empty store was accepted")
        } catch let error as ContactStoreError {
            try expect(error == .notEmpty, name, "wrong error for a non-empty store: \(error)")
        }
        let rows = try await store.contacts(afterID: 0, limit: 100)
        try expect(rows == Self.importFixture, name, "a refused import changed the rows: \(rows)")
        let empty = try await makeStore()
        try await empty.importContacts(ContactImport(contacts: []))
        try await empty.importContacts(ContactImport(contacts: Self.importFixture))
        let afterEmpty = try await empty.contacts(afterID: 0, limit: 100)
        try expect(afterEmpty == Self.importFixture, name, "an empty import made the store refuse a later one")
    }

    private func invalidChangesRefused() async throws {
        let name = "a decided plan that breaks the invariants is refused"
        let resolver = try await resolver()
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")  // primary 1
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: "1")  // secondary 2
        _ = try await resolver.identify(email: "c@x.io", phoneNumber: "3")  // primary 3
        let before = try await resolver.allContacts()
        let at = before[2].createdAt
        let invalid: [ContactWrite] = [
            .relinkGroup(primaryID: 1, survivorID: 1, updatedAt: at),
            .relinkGroup(primaryID: 2, survivorID: 1, updatedAt: at),
            .relinkGroup(primaryID: 1, survivorID: 3, updatedAt: at),
            .insert(email: "d@x.io", phoneNumber: nil, linkedId: 2, createdAt: at),
            .insert(email: "d@x.io", phoneNumber: nil, linkedId: 99, createdAt: at),
            .insert(email: "c@x.io", phoneNumber: nil, linkedId: 1, createdAt: at),
            .insert(email: nil, phoneNumber: nil, linkedId: nil, createdAt: at),
            .insert(email: "a@x.io", phoneNumber: nil, linkedId: nil, createdAt: at),
            .setLink(contactID: 2, linkedId: 3, updatedAt: at),
            .setLink(contactID: 99, linkedId: nil, updatedAt: at),
            .delete(contactID: 1, at: at),
            .clearValues(contactID: 3, email: true, phoneNumber: true, updatedAt: at),
            .clearValues(contactID: 1, email: false, phoneNumber: false, updatedAt: at),
            .addLink(ContactLink(email: "a@x.io", phoneNumber: "3", createdAt: at)),
            .removeLink(ContactLink(email: "a@x.io", phoneNumber: "1", createdAt: at)),
        ]
        for write in invalid {
            let plan = ContactPlan([write])
            do {
                // The request matches both groups, so every id above but 99 is among the selected rows.
                _ = try await resolver.store.commit(reading: .matching(email: "a@x.io", phoneNumber: "3")) { _ in plan }
                throw ConformanceFailure(scenario: name, message: "\(plan) was applied")
            } catch let error as ContactStoreError {
                guard case .invalidPlan(let refused, _) = error, refused == plan else {
                    throw ConformanceFailure(scenario: name, message: "\(plan) was refused with \(error)")
                }
            }
        }
        let after = try await resolver.allContacts()
        try expect(after == before, name, "refused plans wrote: \(after.count) rows, \(before.count) before")
        let next = try await resolver.identify(email: "e@x.io", phoneNumber: nil)
        try expect(next.outcome == .createdPrimary(contactID: 4), name, "after refusals: \(next.outcome)")
    }

    /// Runs plans built from every kind of ``IdentityReconciliation/ContactWrite`` (one write and several in
    /// one plan: a link recorded and removed, a split that promotes a secondary, a delete,
    /// values cleared on a deleted and on a live row, a merge with an insert and a link)
    /// on the store and on an ``IdentityReconciliation/InMemoryContactStore``, and compares
    /// every read after each step.
    private func primitiveWrites() async throws {
        let name = "every primitive write is persisted exactly"
        let store = try await makeStore()
        let reference = InMemoryContactStore()
        func at(_ seconds: Double) -> Date { Self.epoch.addingTimeInterval(seconds) }
        let link = ContactLink(email: "c@x.io", phoneNumber: "1", createdAt: at(4))
        let secondLink = ContactLink(email: "c@x.io", phoneNumber: "1", createdAt: at(9))
        let steps: [(ContactSelection, ContactPlan)] = [
            (
                .matching(email: "a@x.io", phoneNumber: "1"),
                ContactPlan([.insert(email: "a@x.io", phoneNumber: "1", linkedId: nil, createdAt: at(1))])
            ),
            (
                .matching(email: "b@x.io", phoneNumber: "1"),
                ContactPlan([.insert(email: "b@x.io", phoneNumber: "1", linkedId: 1, createdAt: at(2))])
            ),
            (
                .matching(email: "c@x.io", phoneNumber: "3"),
                ContactPlan([.insert(email: "c@x.io", phoneNumber: "3", linkedId: nil, createdAt: at(3))])
            ),
            (
                .matching(email: "c@x.io", phoneNumber: "1"),
                ContactPlan([.relinkGroup(primaryID: 3, survivorID: 1, updatedAt: at(4)), .addLink(link)])
            ),
            (
                ContactSelection(contactID: 1, includesLinks: true),
                ContactPlan([.removeLink(link), .setLink(contactID: 3, linkedId: nil, updatedAt: at(5))])
            ),
            (.group(containingContactID: 2), ContactPlan([.delete(contactID: 2, at: at(6))])),
            (
                .holding(phoneNumber: "1"),
                ContactPlan([.clearValues(contactID: 2, email: true, phoneNumber: true, updatedAt: at(7))])
            ),
            (
                .group(containingContactID: 3),
                ContactPlan([.clearValues(contactID: 3, email: false, phoneNumber: true, updatedAt: at(8))])
            ),
            (
                ContactSelection(email: "a@x.io", contactID: 3, includesLinks: true),
                ContactPlan([
                    .relinkGroup(primaryID: 3, survivorID: 1, updatedAt: at(9)),
                    .insert(email: "d@x.io", phoneNumber: "1", linkedId: 1, createdAt: at(9)),
                    .addLink(secondLink),
                ])
            ),
            // A deleted row holding a linked value: its values must not select the link.
            (
                ContactSelection(contactID: 4, includesLinks: true),
                ContactPlan([.delete(contactID: 4, at: at(10))])
            ),
        ]
        var readSelections: [ContactSelection] = []
        for email in ["a@x.io", "b@x.io", "c@x.io", "d@x.io"] { readSelections.append(.holding(email: email)) }
        for phone in ["1", "3", "4"] { readSelections.append(.holding(phoneNumber: phone)) }
        for id in 1...5 {
            readSelections.append(.group(containingContactID: id))
            readSelections.append(ContactSelection(contactID: id, includesDeletedRows: true, includesLinks: true))
        }
        for (index, (selection, plan)) in steps.enumerated() {
            let commit = try await store.commit(reading: selection) { _ in plan }
            let expected = try await reference.commit(reading: selection) { _ in plan }
            try expect(
                commit.insertedIDs == expected.insertedIDs, name,
                "step \(index + 1) (\(plan)) inserted ids \(commit.insertedIDs), expected \(expected.insertedIDs)")
            let rows = try await checkedRows(store, name)
            let expectedRows = try await InvariantChecker.allRows(of: reference)
            try expect(rows == expectedRows, name, "after step \(index + 1) (\(plan)) the rows are \(rows)")
            for read in readSelections {
                let actual = try await store.read(read)
                let wanted = try await reference.read(read)
                try expect(
                    Self.sorted(actual) == Self.sorted(wanted), name,
                    "after step \(index + 1) (\(plan)), read(\(read)) gave \(Self.sorted(actual)), expected \(Self.sorted(wanted))"
                )
            }
        }
    }

    /// A read with its rows in id order and its links in a fixed order, to compare reads.
    private static func sorted(_ selected: SelectedContacts) -> SelectedContacts {
        SelectedContacts(
            rows: selected.rows.sorted { $0.id < $1.id },
            links: selected.links.sorted {
                ($0.createdAt, $0.email, $0.phoneNumber) < ($1.createdAt, $1.email, $1.phoneNumber)
            })
    }

    private func correctionsSplit() async throws {
        let name = "corrections split groups exactly"
        let resolver = try await resolver()
        // A placeholder phone number joins three shoppers; forgetting it splits them again.
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "0000000000")  // 1
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: "0000000000")  // 2 → 1
        _ = try await resolver.identify(email: "c@x.io", phoneNumber: "555")  // 3
        let merged = try await resolver.identify(email: "c@x.io", phoneNumber: "0000000000")
        try expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 3), name, "merge: \(merged.outcome)")
        let links = try await InvariantChecker.allLinks(of: resolver.store)
        try expect(
            links.map { [$0.email, $0.phoneNumber] } == [["c@x.io", "0000000000"]], name, "merge link: \(links)")
        let forgotten = try await resolver.forget(phoneNumber: "0000000000")
        let people = [
            ConsolidatedContact(primaryContactID: 1, emails: ["a@x.io"], phoneNumbers: [], secondaryContactIDs: []),
            ConsolidatedContact(primaryContactID: 2, emails: ["b@x.io"], phoneNumbers: [], secondaryContactIDs: []),
            ConsolidatedContact(
                primaryContactID: 3, emails: ["c@x.io"], phoneNumbers: ["555"], secondaryContactIDs: []),
        ]
        try expect(forgotten.contacts == people, name, "after forgetting the phone: \(forgotten.contacts)")
        try expect(forgotten.changedContactIDs == [1, 2, 3], name, "changed \(forgotten.changedContactIDs)")
        try expect(
            forgotten.previousPrimaryIDs == [1] && forgotten.isSplit, name, "previous \(forgotten.previousPrimaryIDs)")
        let after = try await checkedRows(resolver.store, name)
        try expect(after.allSatisfy { $0.phoneNumber != "0000000000" }, name, "a row kept the forgotten phone")
        try expect(try await InvariantChecker.allLinks(of: resolver.store).isEmpty, name, "the link was kept")
        // Identifying by it again starts a new person: nothing remembers it.
        let again = try await resolver.identify(email: nil, phoneNumber: "0000000000")
        try expect(again.outcome == .createdPrimary(contactID: 4), name, "the value still matched: \(again.outcome)")

        // Deleting the primary promotes the oldest remaining row of each part.
        _ = try await resolver.identify(email: "d@x.io", phoneNumber: "555")  // 5 → 3
        _ = try await resolver.identify(email: "d@x.io", phoneNumber: "777")  // 6 → 3
        let deleted = try await resolver.delete(contactID: 3)
        try expect(
            deleted.contacts
                == [
                    ConsolidatedContact(
                        primaryContactID: 5, emails: ["d@x.io"], phoneNumbers: ["555", "777"], secondaryContactIDs: [6])
                ],
            name, "after deleting 3: \(deleted.contacts)")
        try expect(deleted.changedContactIDs == [3, 5, 6], name, "changed \(deleted.changedContactIDs)")
        _ = try await checkedRows(resolver.store, name)
        // Forgetting a value only deleted rows hold still strips them; nothing live changes.
        let strip = try await resolver.forget(email: "c@x.io")
        try expect(strip.contacts.isEmpty && strip.changedContactIDs == [3], name, "forget c: \(strip)")
        // Not found: nothing written.
        let before = try await resolver.allContacts()
        let refused: [(String, @Sendable () async throws -> Correction)] = [
            ("delete 3", { try await resolver.delete(contactID: 3) }),
            ("delete 99", { try await resolver.delete(contactID: 99) }),
            ("erase 3", { try await resolver.erase(contactID: 3) }),
            ("forget c", { try await resolver.forget(email: "c@x.io") }),
            ("forget 123", { try await resolver.forget(phoneNumber: "123") }),
        ]
        for (label, body) in refused {
            do {
                _ = try await body()
                throw ConformanceFailure(scenario: name, message: "\(label) succeeded")
            } catch is CorrectionError {}
        }
        try expect(try await resolver.allContacts() == before, name, "a refused correction wrote")
    }

    private func erasure() async throws {
        let name = "erasure leaves tombstones"
        let resolver = try await resolver()
        _ = try await resolver.identify(email: "e@x.io", phoneNumber: "1")  // 1
        _ = try await resolver.identify(email: "f@x.io", phoneNumber: "1")  // 2 → 1
        _ = try await resolver.identify(email: "g@x.io", phoneNumber: "2")  // 3
        _ = try await resolver.identify(email: "g@x.io", phoneNumber: "1")  // merges 3 into 1, with a link
        _ = try await resolver.delete(contactID: 2)  // a deleted row holding f and 1
        _ = try await resolver.identify(email: "other@x.io", phoneNumber: "9")  // 4, untouched
        let erased = try await resolver.erase(contactID: 3)
        try expect(erased.contacts.isEmpty, name, "people left: \(erased.contacts)")
        try expect(erased.changedContactIDs == [1, 2, 3], name, "changed \(erased.changedContactIDs)")
        let rows = try await checkedRows(resolver.store, name)
        try expect(rows.count == 4, name, "rows were removed: \(rows.count)")
        for row in rows.prefix(3) {
            try expect(
                row.email == nil && row.phoneNumber == nil && row.deletedAt != nil, name,
                "row \(row.id) kept data: \(row)")
        }
        try expect(rows[3].email == "other@x.io" && rows[3].isLive, name, "another person was touched")
        try expect(try await InvariantChecker.allLinks(of: resolver.store).isEmpty, name, "the group's link was kept")
        let selected = try await resolver.store.read(.holding(email: "e@x.io", phoneNumber: "1"))
        try expect(selected.rows.isEmpty && selected.links.isEmpty, name, "erased values still selected")
        let next = try await resolver.identify(email: "e@x.io", phoneNumber: nil)
        try expect(next.outcome == .createdPrimary(contactID: 5), name, "ids were reused: \(next.outcome)")
    }

    private func readsAndPaging() async throws {
        let name = "reads and paging"
        let resolver = try await resolver()
        for index in 1...25 {
            _ = try await resolver.identify(email: "p\(index)@x.io", phoneNumber: index.isMultiple(of: 5) ? "5" : nil)
        }
        let page = try await resolver.store.contacts(afterID: 10, limit: 5)
        try expect(page.map(\.id) == [11, 12, 13, 14, 15], name, "page after 10: \(page.map(\.id))")
        let empty = try await resolver.store.contacts(afterID: 0, limit: 0)
        try expect(empty.isEmpty, name, "limit 0 returned rows")
        let tail = try await resolver.store.contacts(afterID: 24, limit: 100)
        try expect(tail.map(\.id) == [25], name, "tail \(tail.map(\.id))")
        let unknown = try await resolver.store.group(containingContactID: 999)
        try expect(unknown.isEmpty, name, "unknown id returned rows")
        let group = try await resolver.store.group(containingContactID: 15)
        try expect(Set(group.map(\.id)) == [5, 10, 15, 20, 25], name, "group of 15: \(group.map(\.id))")
        let byPhone = try await resolver.contact(phoneNumber: "5")
        try expect(byPhone?.primaryContactID == 5, name, "contact(phoneNumber:) → \(String(describing: byPhone))")
        let byEmail = try await resolver.contact(email: "P7@X.IO")
        try expect(byEmail?.primaryContactID == 7, name, "contact(email:) → \(String(describing: byEmail))")
        let missing = try await resolver.contact(email: "nobody@x.io")
        try expect(missing == nil, name, "unknown email matched")
        let rowsBefore = try await checkedRows(resolver.store, name)
        let matched = try await resolver.store.rows(matchingEmail: "p5@x.io", phoneNumber: "5")
        try expect(matched.count == 5, name, "rows(matching:) returned \(matched.count)")
        let rowsAfter = try await checkedRows(resolver.store, name)
        try expect(rowsBefore == rowsAfter, name, "a read wrote")
    }

    private func agreesWithReference() async throws {
        let name = "agrees with the in-memory store"
        for seed in 1...8 as ClosedRange<UInt64> {
            let clock = ManualClock(step: 1)
            let referenceClock = ManualClock(step: 1)
            let resolver = try await resolver(clock: clock)
            let reference = IdentityResolver(store: InMemoryContactStore(), clock: referenceClock)
            var random = SplitMix64(seed: seed)
            for step in 0..<300 {
                let request = random.request(emails: 12, phones: 12)
                let actual = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
                let expected = try await reference.identify(email: request.email, phoneNumber: request.phoneNumber)
                try expect(
                    actual == expected, name,
                    "seed \(seed) step \(step) \(request): got \(actual), expected \(expected)")
            }
            let rows = try await checkedRows(resolver.store, name)
            let referenceRows = try await InvariantChecker.allRows(of: reference.store)
            try expect(rows == referenceRows, name, "seed \(seed): final rows differ from the in-memory store")
        }
    }

    private func concurrentIdentifies() async throws {
        let name = "concurrent identifies"
        let resolver = try await resolver(clock: ManualClock(step: 0.001))
        var random = SplitMix64(seed: 99)
        let requests = (0..<2_000).map { _ in random.request(emails: 60, phones: 60) }
        try await identifyConcurrently(requests, workers: 16, on: resolver)
        let rows = try await checkedRows(resolver.store, name)
        let replay = IdentityResolver(store: InMemoryContactStore(), clock: ManualClock(step: 1))
        for request in requests {
            _ = try await replay.identify(email: request.email, phoneNumber: request.phoneNumber)
        }
        let replayRows = try await InvariantChecker.allRows(of: replay.store)
        try expect(
            InvariantChecker.valueGroups(rows) == InvariantChecker.valueGroups(replayRows), name,
            "concurrent groups differ from a sequential replay")
    }

    private func concurrentCorrections() async throws {
        let name = "concurrent corrections and identifies"
        let resolver = try await resolver(clock: ManualClock(step: 0.001))
        var random = SplitMix64(seed: 7)
        enum Step: Sendable {
            case identify(String?, String?)
            case delete(Int)
            case forgetEmail(String)
            case forgetPhone(String)
            case erase(Int)
        }
        let steps: [Step] = (0..<1_500).map { index in
            switch random.next() % 10 {
            case 0: .delete(Int(random.next() % UInt64(index / 2 + 1)) + 1)
            case 1: .forgetEmail("e\(random.next() % 30)@x.io")
            case 2: .forgetPhone("\(random.next() % 30)")
            case 3 where index % 5 == 0: .erase(Int(random.next() % UInt64(index / 2 + 1)) + 1)
            default:
                .identify(
                    random.next() % 4 == 0 ? nil : "e\(random.next() % 30)@x.io",
                    random.next() % 4 == 1 ? nil : "\(random.next() % 30)")
            }
        }
        _ = try await strideWorkers(8, count: steps.count) { _, indices in
            for index in indices {
                do {
                    switch steps[index] {
                    case .identify(let email, let phone):
                        if email != nil || phone != nil {
                            _ = try await resolver.identify(email: email, phoneNumber: phone)
                        }
                    case .delete(let id): _ = try await resolver.delete(contactID: id)
                    case .forgetEmail(let email): _ = try await resolver.forget(email: email)
                    case .forgetPhone(let phone): _ = try await resolver.forget(phoneNumber: phone)
                    case .erase(let id): _ = try await resolver.erase(contactID: id)
                    }
                } catch is CorrectionError {
                    // A correction of something another worker already removed.
                }
            }
        }
        _ = try await checkedRows(resolver.store, name)
    }

    // MARK: - Helpers

    static let epoch = Date(timeIntervalSince1970: 1_600_000_000)

    /// Rows 3–12 of an imported table: ids with gaps, a group {3, 5}, a deleted row 7, a
    /// group whose secondary is older by id but not by time, and a deleted secondary.
    static var importFixture: [Contact] {
        func at(_ seconds: Double) -> Date { epoch.addingTimeInterval(seconds) }
        return [
            Contact(
                id: 3, email: "a@x.io", phoneNumber: "100", linkedId: nil, linkPrecedence: .primary,
                createdAt: at(10), updatedAt: at(10)),
            Contact(
                id: 5, email: "b@x.io", phoneNumber: "100", linkedId: 3, linkPrecedence: .secondary,
                createdAt: at(20), updatedAt: at(25)),
            Contact(
                id: 7, email: "gone@x.io", phoneNumber: "100", linkedId: 3, linkPrecedence: .secondary,
                createdAt: at(30), updatedAt: at(30), deletedAt: at(40)),
            Contact(
                id: 9, email: nil, phoneNumber: "200", linkedId: nil, linkPrecedence: .primary,
                createdAt: at(5), updatedAt: at(5)),
            Contact(
                id: 12, email: "c@x.io", phoneNumber: "200", linkedId: 9, linkPrecedence: .secondary,
                createdAt: at(5), updatedAt: at(50)),
        ]
    }

    private func checkedRows(_ store: some ContactStore, _ scenario: String) async throws -> [Contact] {
        let rows = try await InvariantChecker.allRows(of: store)
        let links = try await InvariantChecker.allLinks(of: store)
        let violations = ContactInvariants.violations(in: rows, links: links)
        try expect(violations.isEmpty, scenario, InvariantFailure(violations: violations).description)
        return rows
    }

    private func expect(_ condition: Bool, _ scenario: String, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(scenario: scenario, message: message()) }
    }
}
