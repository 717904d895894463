import IdentityReconciliation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rules through ``IdentityResolver`` and a real store, checking the rows the store holds.
@Suite("IdentityResolver")
struct IdentityResolverTests {
    typealias F = Fixture

    @Test("a merge relinks every row of the newer group and inserts nothing", arguments: StoreKind.allCases)
    func mergeRelinksWholeGroup(kind: StoreKind) async throws {
        let clock = ManualClock(step: 10)
        let resolver = try kind.makeResolver(clock: clock)
        _ = try await resolver.identify(email: "old@x.io", phoneNumber: "1")  // 1
        _ = try await resolver.identify(email: "old2@x.io", phoneNumber: "1")  // 2 → 1
        _ = try await resolver.identify(email: "new@x.io", phoneNumber: "2")  // 3
        _ = try await resolver.identify(email: "new@x.io", phoneNumber: "3")  // 4 → 3
        _ = try await resolver.identify(email: "new5@x.io", phoneNumber: "3")  // 5 → 3
        let before = try await resolver.checkedRows()
        #expect(before.map(\.primaryID) == [1, 1, 3, 3, 3])

        // The email matches the newer group through a secondary; the phone the older one.
        let merged = try await resolver.identify(email: "new5@x.io", phoneNumber: "1")
        #expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 3))
        #expect(
            merged.contact
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["old@x.io", "old2@x.io", "new@x.io", "new5@x.io"],
                    phoneNumbers: ["1", "2", "3"], secondaryContactIDs: [2, 3, 4, 5]))
        let after = try await resolver.checkedRows()
        #expect(after.count == before.count)
        #expect(Array(after.prefix(2)) == Array(before.prefix(2)))
        let mergedAt = after[2].updatedAt
        #expect(mergedAt > before.map(\.updatedAt).max()!)
        for (row, old) in zip(after.dropFirst(2), before.dropFirst(2)) {
            #expect(row.linkedId == 1 && row.linkPrecedence == .secondary, "row \(row.id)")
            #expect(row.createdAt == old.createdAt && row.updatedAt == mergedAt, "row \(row.id)")
            #expect(row.email == old.email && row.phoneNumber == old.phoneNumber)
        }
        for id in 1...5 {
            #expect(try await resolver.contact(id: id) == merged.contact, "contact(id: \(id))")
        }
        // The merged group keeps growing under the surviving primary.
        let grown = try await resolver.identify(email: "new@x.io", phoneNumber: "4")
        #expect(grown.outcome == .createdSecondary(contactID: 6))
        #expect(try await resolver.checkedRows()[5].linkedId == 1)
    }

    @Test("a merge whose email matches the older group demotes the phone's group", arguments: StoreKind.allCases)
    func mergeFromTheEmailSide(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: nil)  // 1
        _ = try await resolver.identify(email: nil, phoneNumber: "2")  // 2
        let merged = try await resolver.identify(email: "a@x.io", phoneNumber: "2")
        #expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 2))
        #expect(
            merged.contact
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["a@x.io"], phoneNumbers: ["2"], secondaryContactIDs: [2]))
    }

    @Test("a missing field never matches rows whose field is missing", arguments: StoreKind.allCases)
    func nilNeverMatchesNil(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        #expect(try await resolver.identify(email: "a@x.io", phoneNumber: nil).outcome == .createdPrimary(contactID: 1))
        #expect(try await resolver.identify(email: nil, phoneNumber: "1").outcome == .createdPrimary(contactID: 2))
        #expect(try await resolver.identify(email: "b@x.io", phoneNumber: nil).outcome == .createdPrimary(contactID: 3))
        #expect(try await resolver.identify(email: nil, phoneNumber: "2").outcome == .createdPrimary(contactID: 4))
        #expect(try await resolver.store.rows(matchingEmail: nil, phoneNumber: nil).isEmpty)
        let rows = try await resolver.checkedRows()
        #expect(rows.allSatisfy { $0.linkPrecedence == .primary })
    }

    @Test("deleted rows never match and never appear", arguments: StoreKind.allCases)
    func deletedRowsIgnored(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(clock: ManualClock(start: F.at(1_000), step: 1))
        try await resolver.importContacts([
            F.primary(1, "a@x.io", "1", at: 10),
            F.secondary(2, "gone@x.io", "9", of: 1, at: 20, deletedAt: 30),
            F.primary(3, "dead@x.io", "2", at: 5, deletedAt: 6),
        ])
        let before = try await resolver.checkedRows()
        // The deleted secondary's values are new to the live group.
        let gone = try await resolver.identify(email: "gone@x.io", phoneNumber: nil)
        #expect(gone.outcome == .createdPrimary(contactID: 4))
        // A deleted primary's phone number neither merges nor counts as known.
        let linked = try await resolver.identify(email: "a@x.io", phoneNumber: "2")
        #expect(linked.outcome == .createdSecondary(contactID: 5))
        #expect(
            linked.contact
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["a@x.io"], phoneNumbers: ["1", "2"], secondaryContactIDs: [5]))
        #expect(try await resolver.contact(id: 2) == nil)
        #expect(try await resolver.contact(id: 3) == nil)
        #expect(try await resolver.contact(phoneNumber: "9") == nil)
        #expect(try await resolver.contact(email: "dead@x.io") == nil)
        let after = try await resolver.checkedRows()
        #expect(after.filter { $0.deletedAt != nil } == before.filter { $0.deletedAt != nil })
    }

    @Test("a clock going backwards never dates a secondary before its primary", arguments: StoreKind.allCases)
    func backwardsClock(kind: StoreKind) async throws {
        let clock = ManualClock(start: F.at(500))
        let resolver = try kind.makeResolver(clock: clock)
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")  // 1 at 500
        clock.set(F.at(100))
        let linked = try await resolver.identify(email: "b@x.io", phoneNumber: "1")  // 2, not before 500
        #expect(linked.outcome == .createdSecondary(contactID: 2))
        #expect(linked.contact.primaryContactID == 1)
        let rows = try await resolver.checkedRows()
        #expect(rows[1].createdAt >= rows[0].createdAt)

        // A new primary dated earlier is older by the rules: it survives a merge despite its larger id.
        _ = try await resolver.identify(email: "c@x.io", phoneNumber: "3")  // 3 at 100
        let merged = try await resolver.identify(email: "a@x.io", phoneNumber: "3")
        #expect(merged.outcome == .merged(primaryID: 3, demotedPrimaryID: 1))
        #expect(merged.contact.emails == ["c@x.io", "a@x.io", "b@x.io"])
        #expect(merged.contact.secondaryContactIDs == [1, 2])
        try await resolver.checkedRows().forEach { #expect($0.primaryID == 3) }
    }

    @Test("repeating any request is idempotent", arguments: StoreKind.allCases)
    func idempotence(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        let requests: [(String?, String?)] = [
            ("a@x.io", "1"), ("b@x.io", "1"), (nil, "2"), ("a@x.io", "2"), ("c@x.io", nil), ("c@x.io", "3"),
        ]
        for (email, phoneNumber) in requests {
            let first = try await resolver.identify(email: email, phoneNumber: phoneNumber)
            let rows = try await resolver.checkedRows()
            let second = try await resolver.identify(email: email, phoneNumber: phoneNumber)
            #expect(second == Identification(contact: first.contact, outcome: .unchanged))
            #expect(try await resolver.checkedRows() == rows)
        }
    }

    @Test("the request overload and the response match the field overload", arguments: StoreKind.allCases)
    func requestOverload(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        let result = try await resolver.identify(IdentifyRequest(email: " A@X.io ", phoneNumber: "1-2"))
        #expect(result.outcome == .createdPrimary(contactID: 1))
        #expect(result.contact.emails == ["a@x.io"] && result.contact.phoneNumbers == ["12"])
        #expect(result.response == IdentifyResponse(contact: result.contact))
    }

    @Test("a store's error reaches the caller")
    func storeErrorsPropagate() async throws {
        let resolver = IdentityResolver(store: FailingContactStore(throwing: Broken()))
        await #expect(throws: Broken.self) {
            try await resolver.identify(email: "a@x.io", phoneNumber: nil)
        }
        await #expect(throws: Broken.self) { try await resolver.contact(id: 1) }
        await #expect(throws: Broken.self) { try await resolver.contact(email: "a@x.io") }
        await #expect(throws: Broken.self) { try await resolver.contact(phoneNumber: "1") }
        await #expect(throws: Broken.self) { try await resolver.allContacts() }
        await #expect(throws: Broken.self) { try await resolver.importContacts([]) }
        await #expect(throws: Broken.self) {
            try await resolver.store.commit(reading: .group(containingContactID: 1)) { _ in ContactPlan() }
        }
        // Bad input is refused before the store is asked.
        await #expect(throws: InputError.missingEmailAndPhoneNumber) {
            try await resolver.identify(email: nil, phoneNumber: nil)
        }
    }

    @Test("allContacts refuses a store whose pages repeat rows instead of reading forever")
    func allContactsRefusesRepeatingPages() async throws {
        let resolver = IdentityResolver(store: ScanContactStore(fault: .pagingRepeatsLastRow))
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: nil)
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: nil)
        let error = await #expect(throws: ContactStoreError.self) { try await resolver.allContacts() }
        #expect(
            error
                == .contractViolation(
                    "contacts(afterID: 2, limit: 10000) returned contact 2, out of order or again"))
    }

    @Test(
        "a clock that gives a date no row may hold fails the call with a typed error, and nothing is written",
        arguments: StoreKind.allCases, [Double.nan, .infinity, 253_402_300_800, -62_135_596_801])
    func brokenClockIsRefused(kind: StoreKind, seconds: Double) async throws {
        let resolver = try kind.makeResolver(clock: ManualClock(start: Date(timeIntervalSince1970: seconds)))
        // Caught by hand: Swift Testing would reflect the error's plan, and Foundation's
        // `Date.description` traps on NaN.
        var refused: (reason: String, description: String)?
        do {
            _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        } catch let error as ContactStoreError {
            if case .invalidPlan(_, let reason) = error { refused = (reason, "\(error)") }
        }
        #expect(
            refused?.reason == "the new row's createdAt (\(seconds) seconds from 1970) is outside years 1 through 9999")
        // The library's own description of the refused plan writes the date without Foundation.
        #expect(refused?.description.contains("createdAt: \(seconds) seconds from 1970)") == true)
        #expect(try await resolver.allContacts().isEmpty)
    }

    @Test("a store that reports the wrong number of inserted ids is an error, not a made-up id")
    func storeWithoutInsertedIDs() async throws {
        let resolver = IdentityResolver(store: ScanContactStore(fault: .reportsNoInsertedIDs))
        let error = await #expect(throws: ContactStoreError.self) {
            try await resolver.identify(email: "a@x.io", phoneNumber: nil)
        }
        #expect(error == .contractViolation("the plan inserts 1 row(s), but the store assigned 0 id(s)"))
    }

    /// Ids stay below `Int.max`: on a store whose largest id is `Int.max - 1`, an identify
    /// that would insert a row throws `invalidPlan` and writes nothing (it used to crash
    /// adding one to the id); one that inserts nothing still answers.
    @Test(arguments: StoreKind.allCases)
    func noRowIsInsertedOnceTheLargestIdIsTaken(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        try await resolver.importContacts([Fixture.primary(Int.max - 1, "a@x.io", "1", at: 0)])
        for (email, phone) in [("b@x.io", "2"), ("a@x.io", "2")] {
            do {
                _ = try await resolver.identify(email: email, phoneNumber: phone)
                Issue.record("\(email), \(phone): inserted a row with no id left")
            } catch let error as ContactStoreError {
                guard case .invalidPlan(_, let reason) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(reason == "it inserts 1 row(s), but 0 id(s) below Int.max are left")
            }
        }
        #expect(try await resolver.allContacts().map(\.id) == [Int.max - 1])
        let known = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        #expect(known.contact.primaryContactID == Int.max - 1)
    }
}
