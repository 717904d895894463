import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The task's two official examples, verbatim, through ``IdentityResolver`` over every store kind.
@Suite("Official examples")
struct OfficialExamplesTests {
    static let lorraine = "lorraine@hillvalley.edu"
    static let mcfly = "mcfly@hillvalley.edu"
    static let george = "george@hillvalley.edu"
    static let biff = "biffsucks@hillvalley.edu"

    @Test("lorraine and mcfly: a new secondary, then three requests that write nothing", arguments: StoreKind.allCases)
    func linkExample(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        let first = try await resolver.identify(email: Self.lorraine, phoneNumber: "123456")
        #expect(first.outcome == .createdPrimary(contactID: 1))
        let linked = try await resolver.identify(email: Self.mcfly, phoneNumber: "123456")
        #expect(linked.outcome == .createdSecondary(contactID: 2))
        let expected = ConsolidatedContact(
            primaryContactID: 1, emails: [Self.lorraine, Self.mcfly], phoneNumbers: ["123456"],
            secondaryContactIDs: [2])
        #expect(linked.contact == expected)

        let before = try await resolver.checkedRows()
        #expect(before.count == 2)
        #expect(before[1].linkedId == 1 && before[1].linkPrecedence == .secondary)
        #expect(before[1].email == Self.mcfly && before[1].phoneNumber == "123456")
        for (email, phoneNumber) in [(nil, "123456"), (Self.lorraine, nil), (Self.mcfly, nil)] as [(String?, String?)] {
            let again = try await resolver.identify(email: email, phoneNumber: phoneNumber)
            #expect(again.contact == expected, "\(String(describing: email)), \(String(describing: phoneNumber))")
            #expect(again.outcome == .unchanged)
        }
        #expect(try await resolver.checkedRows() == before)
    }

    @Test("george and biffsucks: a merge, no new row", arguments: StoreKind.allCases)
    func mergeExample(kind: StoreKind) async throws {
        let clock = ManualClock(step: 60)
        let resolver = try kind.makeResolver(clock: clock)
        _ = try await resolver.identify(email: Self.george, phoneNumber: "919191")
        _ = try await resolver.identify(email: Self.biff, phoneNumber: "717171")
        let before = try await resolver.checkedRows()
        let merged = try await resolver.identify(email: Self.george, phoneNumber: "717171")
        #expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 2))
        #expect(
            merged.contact
                == ConsolidatedContact(
                    primaryContactID: 1, emails: [Self.george, Self.biff], phoneNumbers: ["919191", "717171"],
                    secondaryContactIDs: [2]))
        let after = try await resolver.checkedRows()
        #expect(after.count == 2)
        #expect(after[0] == before[0])
        #expect(after[1].linkPrecedence == .secondary && after[1].linkedId == 1)
        #expect(after[1].createdAt == before[1].createdAt)
        #expect(after[1].updatedAt > before[1].updatedAt)
        // Asking again, from either side, writes nothing more.
        for (email, phoneNumber) in [(Self.george, "717171"), (Self.biff, "919191"), (Self.biff, nil)]
            as [(String?, String?)]
        {
            let again = try await resolver.identify(email: email, phoneNumber: phoneNumber)
            #expect(again.outcome == .unchanged)
            #expect(again.contact == merged.contact)
        }
        #expect(try await resolver.checkedRows() == after)
    }

    @Test("the task's own ids and response bodies, byte for byte", arguments: StoreKind.allCases)
    func verbatimResponses(kind: StoreKind) async throws {
        // Row 1 exists; row 22 is an unrelated deleted row so the next id is 23, as in the task.
        let lorraineAt = Date(timeIntervalSince1970: 1_680_307_200.374)  // 2023-04-01 00:00:00.374
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_681_968_600.11))  // 2023-04-20 05:30:00.11
        let resolver = try kind.makeResolver(clock: clock)
        try await resolver.importContacts([
            Contact(
                id: 1, email: Self.lorraine, phoneNumber: "123456", linkedId: nil, linkPrecedence: .primary,
                createdAt: lorraineAt, updatedAt: lorraineAt),
            Contact(
                id: 22, email: "someone@else.io", phoneNumber: "999", linkedId: nil, linkPrecedence: .primary,
                createdAt: lorraineAt, updatedAt: lorraineAt, deletedAt: lorraineAt),
        ])
        let linked = try await resolver.identify(email: Self.mcfly, phoneNumber: "123456")
        #expect(linked.outcome == .createdSecondary(contactID: 23))
        let expectedLink =
            #"{"contact":{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu","mcfly@hillvalley.edu"],"phoneNumbers":["123456"],"secondaryContactIds":[23]}}"#
        let linkedJSON = linked.response.wireFormatJSON
        #expect(linkedJSON == expectedLink)
        for (email, phoneNumber) in [(nil, "123456"), (Self.lorraine, nil), (Self.mcfly, nil)] as [(String?, String?)] {
            let again = try await resolver.identify(IdentifyRequest(email: email, phoneNumber: phoneNumber))
            let againJSON = again.response.wireFormatJSON
            #expect(againJSON == expectedLink)
        }

        let georgeAt = Date(timeIntervalSince1970: 1_681_171_200.374)  // 2023-04-11 00:00:00.374
        let biffAt = Date(timeIntervalSince1970: 1_682_055_000.11)  // 2023-04-21 05:30:00.11
        let mergeResolver = try kind.makeResolver(clock: ManualClock(start: biffAt.addingTimeInterval(3_600)))
        try await mergeResolver.importContacts([
            Contact(
                id: 11, email: Self.george, phoneNumber: "919191", linkedId: nil, linkPrecedence: .primary,
                createdAt: georgeAt, updatedAt: georgeAt),
            Contact(
                id: 27, email: Self.biff, phoneNumber: "717171", linkedId: nil, linkPrecedence: .primary,
                createdAt: biffAt, updatedAt: biffAt),
        ])
        let merged = try await mergeResolver.identify(
            try WireFormat.decodeRequest(
                #"{"email":"george@hillvalley.edu","phoneNumber":"717171"}"#))
        #expect(merged.outcome == .merged(primaryID: 11, demotedPrimaryID: 27))
        let mergedJSON = merged.response.wireFormatJSON
        #expect(
            mergedJSON
                == #"{"contact":{"primaryContatctId":11,"emails":["george@hillvalley.edu","biffsucks@hillvalley.edu"],"phoneNumbers":["919191","717171"],"secondaryContactIds":[27]}}"#
        )
        let rows = try await mergeResolver.checkedRows()
        #expect(rows.map(\.id) == [11, 27])
        #expect(rows[1].updatedAt == biffAt.addingTimeInterval(3_600))
    }
}
