import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every rule of the task on the pure functions, with plain values and no store.
@Suite("ReconciliationRules")
struct ReconciliationRulesTests {
    typealias F = Fixture
    let now = Fixture.at(1_000)

    // MARK: Rule 1: new primary

    @Test(
        "nothing matches: a new primary",
        arguments: [("a@x.io", "1"), ("a@x.io", nil), (nil, "1")] as [(String?, String?)])
    func newPrimary(email: String?, phoneNumber: String?) {
        let change = ReconciliationRules.decide(email: email, phoneNumber: phoneNumber, matched: [], now: now)
        #expect(change == .insertPrimary(email: email, phoneNumber: phoneNumber, createdAt: now))
    }

    @Test("rows handed over that share no value are not a match")
    func unrelatedRowsAreNoMatch() {
        let matched = [F.primary(1, "b@x.io", "2", at: 10)]
        let change = ReconciliationRules.decide(email: "a@x.io", phoneNumber: "1", matched: matched, now: now)
        #expect(change == .insertPrimary(email: "a@x.io", phoneNumber: "1", createdAt: now))
    }

    // MARK: Rule 2: new secondary

    @Test("a new email joins the group as a secondary holding both fields")
    func newEmailMakesSecondary() {
        let matched = [F.primary(1, "a@x.io", "1", at: 10)]
        let change = ReconciliationRules.decide(email: "b@x.io", phoneNumber: "1", matched: matched, now: now)
        #expect(change == .insertSecondary(email: "b@x.io", phoneNumber: "1", primaryID: 1, createdAt: now))
    }

    @Test("a new phone number joins the group as a secondary holding both fields")
    func newPhoneMakesSecondary() {
        let matched = [F.primary(1, "a@x.io", "1", at: 10)]
        let change = ReconciliationRules.decide(email: "a@x.io", phoneNumber: "2", matched: matched, now: now)
        #expect(change == .insertSecondary(email: "a@x.io", phoneNumber: "2", primaryID: 1, createdAt: now))
    }

    @Test("a match through a secondary links the new row to the primary, never to the secondary")
    func newSecondaryLinksToPrimary() {
        let matched = [F.primary(1, "a@x.io", "1", at: 10), F.secondary(2, "b@x.io", "1", of: 1, at: 20)]
        let change = ReconciliationRules.decide(
            email: "b@x.io", phoneNumber: "3", matched: matched.reversed(), now: now)
        #expect(change == .insertSecondary(email: "b@x.io", phoneNumber: "3", primaryID: 1, createdAt: now))
    }

    // MARK: Rule 3: nothing new

    static let knownGroup = [
        F.primary(1, "a@x.io", "1", at: 10),
        F.secondary(2, "a@x.io", "2", of: 1, at: 20),
        F.secondary(3, "b@x.io", "1", of: 1, at: 30),
    ]

    @Test(
        "nothing new writes nothing",
        arguments: [
            ("a@x.io", nil),  // only a known email
            ("b@x.io", nil),  // only a known email of a secondary
            (nil, "1"),  // only a known phone number
            (nil, "2"),
            ("a@x.io", "1"),  // the primary's own pair again
            ("b@x.io", "2"),  // both known, never on the same row
        ] as [(String?, String?)])
    func nothingNew(email: String?, phoneNumber: String?) {
        let change = ReconciliationRules.decide(
            email: email, phoneNumber: phoneNumber, matched: Self.knownGroup, now: now)
        #expect(change == ContactPlan.none)
    }

    // MARK: Rule 4: merge

    static let twoGroups = [
        F.primary(1, "old@x.io", "1", at: 10),
        F.primary(2, "new@x.io", "2", at: 20),
        F.secondary(3, "new2@x.io", "2", of: 2, at: 30),
    ]

    @Test(
        "the older primary survives whichever field matched it",
        arguments: [
            ("old@x.io", "2"),  // the email matches the older group
            ("new@x.io", "1"),  // the phone number matches the older group
            ("new2@x.io", "1"),  // the newer group is matched through a secondary
        ])
    func mergeKeepsOlderPrimary(email: String, phoneNumber: String) {
        for matched in [Self.twoGroups, Self.twoGroups.reversed()] {
            let change = ReconciliationRules.decide(email: email, phoneNumber: phoneNumber, matched: matched, now: now)
            #expect(
                change
                    == .merge(primaryID: 1, demotedPrimaryID: 2, email: email, phoneNumber: phoneNumber, updatedAt: now)
            )
        }
    }

    @Test("older means (createdAt, id): an older createdAt beats a smaller id, a tie goes to the smaller id")
    func mergeOrderIsCreatedAtThenID() {
        let olderByTime = [F.primary(1, "a@x.io", "1", at: 20), F.primary(2, "b@x.io", "2", at: 10)]
        #expect(
            ReconciliationRules.decide(email: "a@x.io", phoneNumber: "2", matched: olderByTime, now: now)
                == .merge(primaryID: 2, demotedPrimaryID: 1, email: "a@x.io", phoneNumber: "2", updatedAt: now))
        let tie = [F.primary(1, "a@x.io", "1", at: 10), F.primary(2, "b@x.io", "2", at: 10)]
        #expect(
            ReconciliationRules.decide(email: "b@x.io", phoneNumber: "1", matched: tie, now: now)
                == .merge(primaryID: 1, demotedPrimaryID: 2, email: "b@x.io", phoneNumber: "1", updatedAt: now))
    }

    @Test("applying a merge relinks the whole newer group, renews updatedAt, keeps createdAt, inserts nothing")
    func mergeApplied() throws {
        let change = ContactPlan.merge(primaryID: 1, demotedPrimaryID: 2, updatedAt: now)
        let result = try change.applied(to: Self.twoGroups, insertedID: nil).sorted { $0.id < $1.id }
        #expect(result.count == Self.twoGroups.count)
        #expect(result[0] == Self.twoGroups[0])
        for (after, before) in zip(result.dropFirst(), Self.twoGroups.dropFirst()) {
            #expect(after.linkPrecedence == .secondary)
            #expect(after.linkedId == 1)
            #expect(after.updatedAt == now)
            #expect(after.createdAt == before.createdAt)
            #expect((after.id, after.email, after.phoneNumber) == (before.id, before.email, before.phoneNumber))
        }
        #expect(ContactInvariants.violations(in: result).isEmpty)
        let contact = try #require(ReconciliationRules.consolidate(result))
        #expect(
            contact
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["old@x.io", "new@x.io", "new2@x.io"], phoneNumbers: ["1", "2"],
                    secondaryContactIDs: [2, 3]))
    }

    // MARK: Rule 5: nil never matches nil

    @Test("a missing field never matches rows whose field is missing")
    func nilMatchesNothing() {
        let phoneless = [F.primary(1, "a@x.io", nil, at: 10)]
        #expect(
            ReconciliationRules.decide(email: "b@x.io", phoneNumber: nil, matched: phoneless, now: now)
                == .insertPrimary(email: "b@x.io", phoneNumber: nil, createdAt: now))
        let emailless = [F.primary(1, nil, "1", at: 10)]
        #expect(
            ReconciliationRules.decide(email: nil, phoneNumber: "2", matched: emailless, now: now)
                == .insertPrimary(email: nil, phoneNumber: "2", createdAt: now))
        // A known phone with no email is nothing new, even though the group has a row without an email.
        #expect(
            ReconciliationRules.decide(email: nil, phoneNumber: "1", matched: emailless, now: now) == ContactPlan.none
        )
    }

    // MARK: Rule 6: deleted rows

    @Test("a deleted row never matches")
    func deletedRowNeverMatches() {
        let deleted = [F.primary(1, "a@x.io", "1", at: 10, deletedAt: 20)]
        #expect(
            ReconciliationRules.decide(email: "a@x.io", phoneNumber: "1", matched: deleted, now: now)
                == .insertPrimary(email: "a@x.io", phoneNumber: "1", createdAt: now))
    }

    @Test("a value held only by a deleted row is new, and its group is not merged")
    func deletedRowNeitherMergesNorCountsAsKnown() {
        let rows = [
            F.primary(1, "a@x.io", "1", at: 10),
            F.secondary(2, "b@x.io", "1", of: 1, at: 20, deletedAt: 30),
            F.primary(3, "c@x.io", "2", at: 15, deletedAt: 25),
        ]
        #expect(
            ReconciliationRules.decide(email: "a@x.io", phoneNumber: "2", matched: rows, now: now)
                == .insertSecondary(email: "a@x.io", phoneNumber: "2", primaryID: 1, createdAt: now))
        #expect(
            ReconciliationRules.decide(email: "b@x.io", phoneNumber: "1", matched: rows, now: now)
                == .insertSecondary(email: "b@x.io", phoneNumber: "1", primaryID: 1, createdAt: now))
    }

    @Test("a deleted row never appears in a consolidated contact")
    func deletedRowNeverInResult() {
        let rows = [
            F.primary(1, "a@x.io", "1", at: 10),
            F.secondary(2, "gone@x.io", "9", of: 1, at: 20, deletedAt: 30),
            F.secondary(3, "b@x.io", "1", of: 1, at: 40),
        ]
        #expect(
            ReconciliationRules.consolidate(rows)
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["a@x.io", "b@x.io"], phoneNumbers: ["1"], secondaryContactIDs: [3]))
        #expect(ReconciliationRules.consolidate([F.primary(1, "a@x.io", "1", at: 10, deletedAt: 20)]) == nil)
        #expect(ReconciliationRules.consolidate([]) == nil)
    }

    @Test("adding a row consolidates as the rows and the row together would, in any order")
    func consolidateAddingARow() {
        var random = SplitMix64(seed: 11)
        let emails: [String?] = [nil, "a@x.io", "b@x.io", "c@x.io"]
        let phones: [String?] = [nil, "1", "2"]
        for _ in 0..<2_000 {
            var rows: [Contact] = []
            let count = Int.random(in: 0...5, using: &random)
            for id in 1...max(count, 1) where count > 0 {
                let deletedAt: Double? = Int.random(in: 0..<5, using: &random) == 0 ? 99 : nil
                let (email, phone) = (emails.randomElement(using: &random)!, phones.randomElement(using: &random)!)
                rows.append(
                    id == 1
                        ? Fixture.primary(id, email, phone, at: 10, deletedAt: deletedAt)
                        : Fixture.secondary(id, email, phone, of: 1, at: Double(10 * id), deletedAt: deletedAt))
            }
            if Bool.random(using: &random) { rows.shuffle(using: &random) }
            // Newest or not, live or not, a primary of its own when nothing else is.
            let createdAt = Double(Int.random(in: 0...70, using: &random))
            let deletedAt: Double? = Int.random(in: 0..<6, using: &random) == 0 ? 99 : nil
            let (email, phone) = (emails.randomElement(using: &random)!, phones.randomElement(using: &random)!)
            let newRow =
                rows.isEmpty || Int.random(in: 0..<4, using: &random) == 0
                ? Fixture.primary(count + 1, email, phone, at: createdAt, deletedAt: deletedAt)
                : Fixture.secondary(count + 1, email, phone, of: 1, at: createdAt, deletedAt: deletedAt)
            #expect(
                ReconciliationRules.consolidate(rows, adding: newRow)
                    == ReconciliationRules.consolidate(rows + [newRow]),
                "\(rows) + \(newRow)")
        }
    }

    // MARK: Ordering of the consolidated contact

    @Test("the primary's values come first, then by (createdAt, id), without repeats or nils")
    func primaryValuesFirst() {
        let rows = [
            F.primary(1, "z@x.io", "9", at: 10),
            F.secondary(2, "a@x.io", nil, of: 1, at: 20),
            F.secondary(3, nil, "1", of: 1, at: 30),
            F.secondary(4, "z@x.io", "1", of: 1, at: 40),
            F.secondary(5, "m@x.io", "9", of: 1, at: 50),
        ]
        let expected = ConsolidatedContact(
            primaryContactID: 1, emails: ["z@x.io", "a@x.io", "m@x.io"], phoneNumbers: ["9", "1"],
            secondaryContactIDs: [2, 3, 4, 5])
        #expect(ReconciliationRules.consolidate(rows) == expected)
        #expect(ReconciliationRules.consolidate(rows.reversed()) == expected)
        var random = SplitMix64(seed: 7)
        for _ in 0..<20 {
            #expect(ReconciliationRules.consolidate(rows.shuffled(using: &random)) == expected)
        }
    }

    @Test("when the primary has no email (or phone), the first secondary's comes first")
    func primaryWithoutValue() {
        let rows = [
            F.primary(1, nil, "5", at: 10),
            F.secondary(2, "b@x.io", nil, of: 1, at: 20),
            F.secondary(3, "a@x.io", "3", of: 1, at: 30),
        ]
        #expect(
            ReconciliationRules.consolidate(rows.reversed())
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["b@x.io", "a@x.io"], phoneNumbers: ["5", "3"],
                    secondaryContactIDs: [2, 3]))
        let phoneless = [F.primary(1, "a@x.io", nil, at: 10), F.secondary(2, "a@x.io", "7", of: 1, at: 20)]
        #expect(
            ReconciliationRules.consolidate(phoneless)
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["a@x.io"], phoneNumbers: ["7"], secondaryContactIDs: [2]))
    }

    @Test("secondaries are ordered by (createdAt, id), not by id alone")
    func secondariesByCreatedAtThenID() {
        let rows = [
            F.primary(1, "p@x.io", "0", at: 10),
            F.secondary(3, "late@x.io", "0", of: 1, at: 40),
            F.secondary(7, "early@x.io", "0", of: 1, at: 20),
            F.secondary(9, "tie-b@x.io", "0", of: 1, at: 30),
            F.secondary(8, "tie-a@x.io", "0", of: 1, at: 30),
        ]
        #expect(
            ReconciliationRules.consolidate(rows)
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["p@x.io", "early@x.io", "tie-a@x.io", "tie-b@x.io", "late@x.io"],
                    phoneNumbers: ["0"], secondaryContactIDs: [7, 8, 9, 3]))
    }

    // MARK: Clocks that go backwards

    @Test("a clock going backwards never makes a new secondary older than its primary")
    func backwardsClock() throws {
        let primary = F.primary(5, "a@x.io", "1", at: 500)
        let change = ReconciliationRules.decide(
            email: "b@x.io", phoneNumber: "1", matched: [primary], now: F.at(100))
        guard case .insert(_, _, 5?, let createdAt)? = change.writes.first else {
            Issue.record("expected a new secondary of 5, got \(change)")
            return
        }
        #expect(createdAt >= primary.createdAt)
        let group = try change.applied(to: [primary], insertedID: 6)
        #expect(ContactInvariants.violations(in: group).isEmpty)
        #expect(ReconciliationRules.consolidate(group)?.primaryContactID == 5)
        // A clock that did not go backwards is used as is.
        #expect(
            ReconciliationRules.decide(email: "b@x.io", phoneNumber: "1", matched: [primary], now: F.at(900))
                == .insertSecondary(email: "b@x.io", phoneNumber: "1", primaryID: 5, createdAt: F.at(900)))
    }
}
