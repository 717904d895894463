import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import Testing

@Suite("Conformance", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct ConformanceTests {
    /// Every scenario of the shared check, each on fresh stores in fresh schemas.
    @Test(arguments: ContactStoreConformance.scenarios.map(\.name))
    func scenario(_ name: String) async throws {
        try await TestDatabase.withClient { client, scratch in
            let conformance = ContactStoreConformance { try await scratch.store(client) }
            let scenario = try #require(ContactStoreConformance.scenarios.first(where: { $0.name == name }))
            try await conformance.run(scenario)
        }
    }

    /// The task's two official examples, verbatim, then the invariant checker.
    @Test func officialExamples() async throws {
        try await TestDatabase.withClient { client, scratch in
            let resolver = IdentityResolver(store: try await scratch.store(client), clock: ManualClock(step: 1))
            let lorraine = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
            #expect(lorraine.outcome == .createdPrimary(contactID: 1))
            let mcfly = try await resolver.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
            #expect(mcfly.outcome == .createdSecondary(contactID: 2))
            let expected = ConsolidatedContact(
                primaryContactID: 1, emails: ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"],
                phoneNumbers: ["123456"], secondaryContactIDs: [2])
            #expect(mcfly.contact == expected)
            for (email, phone) in [(nil, "123456"), ("lorraine@hillvalley.edu", nil), ("mcfly@hillvalley.edu", nil)]
                as [(String?, String?)]
            {
                let again = try await resolver.identify(email: email, phoneNumber: phone)
                #expect(again.outcome == .unchanged)
                #expect(again.contact == expected)
            }
            #expect(try await InvariantChecker.check(store: resolver.store).count == 2)

            let george = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
            let biff = try await resolver.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "717171")
            let merged = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "717171")
            let georgeID = george.contact.primaryContactID
            let biffID = biff.contact.primaryContactID
            #expect(merged.outcome == .merged(primaryID: georgeID, demotedPrimaryID: biffID))
            #expect(
                merged.contact
                    == ConsolidatedContact(
                        primaryContactID: georgeID, emails: ["george@hillvalley.edu", "biffsucks@hillvalley.edu"],
                        phoneNumbers: ["919191", "717171"], secondaryContactIDs: [biffID]))
            let rows = try await InvariantChecker.check(store: resolver.store)
            #expect(rows.count == 4, "a merge must not insert a row")
        }
    }
}
