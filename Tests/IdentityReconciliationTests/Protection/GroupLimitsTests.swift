import IdentityReconciliation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Group limits: a request that would make a person exceed one is decided again without its
/// lower-priority field, inside the same transaction.
@Suite("Group limits")
struct GroupLimitsTests {
    static func limited(
        maxEmails: Int? = nil, maxPhoneNumbers: Int? = nil, priority: ContactField = .email
    ) throws -> GraphProtection {
        GraphProtection(
            limits: try GroupLimits(maxEmails: maxEmails, maxPhoneNumbers: maxPhoneNumbers, priority: priority))
    }

    @Test("a secondary with a new phone number is refused: the group stays as it is", arguments: StoreKind.allCases)
    func secondaryRefused(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(protection: try Self.limited(maxPhoneNumbers: 2))
        _ = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        let second = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "919191")
        #expect(second.outcome == .createdSecondary(contactID: 2))
        #expect(second.ignored == [])
        let before = try await resolver.checkedRows()
        let third = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "717171")
        #expect(third.outcome == .unchanged)
        #expect(
            third.contact
                == ConsolidatedContact(
                    primaryContactID: 1, emails: ["lorraine@hillvalley.edu"], phoneNumbers: ["123456", "919191"],
                    secondaryContactIDs: [2]))
        #expect(
            third.ignored == [
                IgnoredValue(field: .phoneNumber, value: "717171", reason: .groupLimit(field: .phoneNumber, limit: 2))
            ])
        #expect(try await resolver.checkedRows() == before)
    }

    @Test(
        "a merge whose union exceeds a limit is refused: the kept value's group answers", arguments: StoreKind.allCases)
    func mergeRefused(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(protection: try Self.limited(maxEmails: 2))
        _ = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
        _ = try await resolver.identify(email: "george2@hillvalley.edu", phoneNumber: "919191")
        _ = try await resolver.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "717171")
        let before = try await resolver.checkedRows()
        // The phone number's group is listed first in the rows read: the answer must still be the email's.
        let result = try await resolver.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "919191")
        #expect(result.outcome == .unchanged)
        #expect(
            result.contact
                == ConsolidatedContact(
                    primaryContactID: 3, emails: ["biffsucks@hillvalley.edu"], phoneNumbers: ["717171"],
                    secondaryContactIDs: []))
        #expect(
            result.ignored == [
                IgnoredValue(field: .phoneNumber, value: "919191", reason: .groupLimit(field: .email, limit: 2))
            ])
        #expect(try await resolver.checkedRows() == before)
        #expect(try await resolver.allLinks().isEmpty)
        // Within the limit, the same merge happens.
        let unlimited = try kind.makeResolver(protection: try Self.limited(maxEmails: 3))
        _ = try await unlimited.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
        _ = try await unlimited.identify(email: "george2@hillvalley.edu", phoneNumber: "919191")
        _ = try await unlimited.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "717171")
        let merged = try await unlimited.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "919191")
        #expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 3))
        #expect(merged.ignored == [])
    }

    @Test(
        "a refused merge keeping the phone number answers with the phone number's group", arguments: StoreKind.allCases)
    func mergeRefusedKeepingPhoneNumber(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(protection: try Self.limited(maxEmails: 2, priority: .phoneNumber))
        _ = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
        _ = try await resolver.identify(email: "george2@hillvalley.edu", phoneNumber: "919191")
        _ = try await resolver.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "717171")
        let before = try await resolver.checkedRows()
        for (email, phoneNumber, primaryID) in [
            ("biffsucks@hillvalley.edu", "919191", 1), ("george@hillvalley.edu", "717171", 3),
        ] {
            let result = try await resolver.identify(email: email, phoneNumber: phoneNumber)
            #expect(result.outcome == .unchanged)
            #expect(result.contact.primaryContactID == primaryID)
            #expect(result.contact.phoneNumbers.first == phoneNumber)
            #expect(
                result.ignored == [
                    IgnoredValue(field: .email, value: email, reason: .groupLimit(field: .email, limit: 2))
                ])
        }
        #expect(try await resolver.checkedRows() == before)
    }

    @Test("the remaining value becomes a new person when it matches nothing", arguments: StoreKind.allCases)
    func newPrimaryForRemainingValue(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(protection: try Self.limited(maxEmails: 1))
        _ = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        let result = try await resolver.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
        #expect(result.outcome == .createdPrimary(contactID: 2))
        #expect(
            result.contact
                == ConsolidatedContact(
                    primaryContactID: 2, emails: ["mcfly@hillvalley.edu"], phoneNumbers: [], secondaryContactIDs: []))
        #expect(
            result.ignored == [
                IgnoredValue(field: .phoneNumber, value: "123456", reason: .groupLimit(field: .email, limit: 1))
            ])
        let rows = try await resolver.checkedRows()
        #expect(rows.map(\.primaryID) == [1, 2])
        #expect(rows[1].phoneNumber == nil)
    }

    @Test("with the phone number first, the email is the value dropped", arguments: StoreKind.allCases)
    func phoneNumberPriority(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(protection: try Self.limited(maxEmails: 1, priority: .phoneNumber))
        _ = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        let result = try await resolver.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
        #expect(result.outcome == .unchanged)
        #expect(result.contact.primaryContactID == 1)
        #expect(
            result.ignored == [
                IgnoredValue(field: .email, value: "mcfly@hillvalley.edu", reason: .groupLimit(field: .email, limit: 1))
            ])
        #expect(try await resolver.checkedRows().count == 1)
    }

    @Test("a blocked value and a dropped value are both reported, blocked first")
    func blockedAndDropped() async throws {
        let protection = GraphProtection(
            blockedValues: BlockedValues(phoneNumbers: ["999"]), limits: try GroupLimits(maxPhoneNumbers: 1))
        let resolver = try StoreKind.inMemory.makeResolver(protection: protection)
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        let result = try await resolver.identify(email: "a@x.io", phoneNumber: "2")
        #expect(result.ignored.map(\.field) == [.phoneNumber])
        let blocked = try await resolver.identify(email: "a@x.io", phoneNumber: "999")
        #expect(blocked.ignored == [IgnoredValue(field: .phoneNumber, value: "999", reason: .blocked)])
        #expect(blocked.outcome == .unchanged)
    }

    @Test("a group already over a limit is kept, not split, and does not grow", arguments: StoreKind.allCases)
    func groupAlreadyOverLimit(kind: StoreKind) async throws {
        let store = AnyContactStore(try kind.makeStore())
        let unlimited = IdentityResolver(store: store, clock: ManualClock(step: 1))
        for index in 1...3 { _ = try await unlimited.identify(email: "e\(index)@x.io", phoneNumber: "1") }
        let resolver = IdentityResolver(
            store: store, clock: ManualClock(step: 1), protection: try Self.limited(maxEmails: 2))
        let known = try await resolver.identify(email: "e3@x.io", phoneNumber: "1")
        #expect(known.outcome == .unchanged && known.ignored == [] && known.contact.emails.count == 3)
        let newPhone = try await resolver.identify(email: "e2@x.io", phoneNumber: "2")
        #expect(newPhone.outcome == .createdSecondary(contactID: 4))
        let newEmail = try await resolver.identify(email: "e4@x.io", phoneNumber: "2")
        #expect(newEmail.outcome == .createdPrimary(contactID: 5))
        #expect(newEmail.ignored.map(\.field) == [.phoneNumber])
    }

    @Test("a limit below 1 is refused")
    func invalidLimit() {
        #expect(throws: GroupLimits.InvalidLimit(field: .email, limit: 0)) { try GroupLimits(maxEmails: 0) }
        #expect(throws: GroupLimits.InvalidLimit(field: .phoneNumber, limit: -1)) {
            try GroupLimits(maxEmails: 1, maxPhoneNumbers: -1)
        }
        #expect(
            GroupLimits.InvalidLimit(field: .phoneNumber, limit: 0).description
                == "the limit of phone numbers per person must be at least 1, not 0")
    }

    @Test("the limit decision is pure: the same rows give the same plan and the same dropped value")
    func pureDecision() throws {
        let limits = try GroupLimits(maxEmails: 1)
        let rows = [Fixture.primary(1, "a@x.io", "1", at: 0), Fixture.primary(2, "b@x.io", "2", at: 1)]
        let now = Fixture.at(10)
        let merge = ReconciliationRules.decide(
            email: "a@x.io", phoneNumber: "2", matched: rows, now: now, limits: limits)
        #expect(merge.plan.isEmpty)
        #expect(
            merge.dropped == IgnoredValue(field: .phoneNumber, value: "2", reason: .groupLimit(field: .email, limit: 1))
        )
        let secondary = ReconciliationRules.decide(
            email: "c@x.io", phoneNumber: "1", matched: [rows[0]], now: now, limits: limits)
        #expect(
            secondary.plan == ContactPlan([.insert(email: "c@x.io", phoneNumber: nil, linkedId: nil, createdAt: now)]))
        let fine = ReconciliationRules.decide(
            email: "a@x.io", phoneNumber: "3", matched: [rows[0]], now: now, limits: limits)
        #expect(fine.dropped == nil)
        #expect(
            fine.plan == ReconciliationRules.decide(email: "a@x.io", phoneNumber: "3", matched: [rows[0]], now: now))
        #expect(
            ReconciliationRules.limitExceeded(email: "c@x.io", phoneNumber: nil, matched: rows, limits: limits) == nil)
        #expect(
            ReconciliationRules.limitExceeded(email: "a@x.io", phoneNumber: "2", matched: rows, limits: .none) == nil)
    }

    @Test(
        "groups of any size are counted by distinct values, repeats and deleted rows aside",
        arguments: [3, 20, 40, 100])
    func countsDistinctValues(rowsPerGroup: Int) throws {
        // Group 1: `rowsPerGroup` rows holding `rowsPerGroup / 2` distinct phone numbers, and a
        // deleted row with one more; group 2 (id 1,000): as many rows, other phone numbers.
        var rows = [Fixture.primary(1, "a@x.io", "p0", at: 0)]
        var other = [Fixture.primary(1_000, "b@x.io", "q0", at: 1)]
        for index in 1..<rowsPerGroup {
            rows.append(Fixture.secondary(1 + index, "a\(index)@x.io", "p\(index / 2)", of: 1, at: 2))
            other.append(Fixture.secondary(1_000 + index, nil, "q\(index / 2)", of: 1_000, at: 3))
        }
        rows.append(Fixture.primary(999, "gone@x.io", "deleted", at: 0, deletedAt: 1))
        let distinct = (rowsPerGroup - 1) / 2 + 1
        let now = Fixture.at(10)
        func dropped(_ email: String, _ phone: String, _ matched: [Contact], limit: Int) throws -> IgnoredValue? {
            ReconciliationRules.decide(
                email: email, phoneNumber: phone, matched: matched, now: now,
                limits: try GroupLimits(maxPhoneNumbers: limit)
            ).dropped
        }
        // A secondary with a new phone number: distinct + 1 numbers.
        #expect(try dropped("a@x.io", "new", rows, limit: distinct) != nil)
        #expect(try dropped("a@x.io", "new", rows, limit: distinct + 1) == nil)
        // A merge: the union of both groups' numbers.
        #expect(try dropped("a@x.io", "q0", rows + other, limit: 2 * distinct - 1) != nil)
        #expect(try dropped("a@x.io", "q0", rows + other, limit: 2 * distinct) == nil)
    }

    @Test(
        "6,000 concurrent identifies against limits leave no group over them, and every invariant",
        arguments: StoreKind.allCases)
    func limitsUnderConcurrency(kind: StoreKind) async throws {
        let requests = Requests.clustered(count: 6_000, seed: 21, clusters: 40)
        let store = try kind.makeStore()
        // Suspending around every call lets the workers interleave between any two of them.
        let resolver = IdentityResolver(
            store: YieldingContactStore(base: store), clock: ManualClock(step: 0.001),
            protection: try Self.limited(maxEmails: 2, maxPhoneNumbers: 2))
        let perWorker = try await strideWorkers(32, count: requests.count) { _, indices in
            var dropped = 0
            var overLimit = 0
            for index in indices {
                let request = requests[index]
                let result = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
                if result.contact.emails.count > 2 || result.contact.phoneNumbers.count > 2 { overLimit += 1 }
                dropped += result.ignored.count
            }
            return (dropped, overLimit)
        }
        let dropped = perWorker.map(\.0).reduce(0, +)
        #expect(dropped > 100, "only \(dropped) values dropped: the workload does not press the limits")
        #expect(perWorker.map(\.1).reduce(0, +) == 0, "answers with a group over a limit")
        let rows = try await InvariantChecker.check(store: store)
        var emails: [Int: Set<String>] = [:]
        var phoneNumbers: [Int: Set<String>] = [:]
        for row in rows where row.isLive {
            if let email = row.email { emails[row.primaryID, default: []].insert(email) }
            if let phoneNumber = row.phoneNumber { phoneNumbers[row.primaryID, default: []].insert(phoneNumber) }
        }
        #expect(emails.values.allSatisfy { $0.count <= 2 })
        #expect(phoneNumbers.values.allSatisfy { $0.count <= 2 })
    }
}
