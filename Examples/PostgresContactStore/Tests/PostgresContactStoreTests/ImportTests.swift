import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import Testing

@Suite("Import", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct ImportTests {
    static let epoch = Date(timeIntervalSince1970: 1_600_000_000)

    static let fixture = [
        Contact(
            id: 3, email: "a@x.io", phoneNumber: "100", linkedId: nil, linkPrecedence: .primary,
            createdAt: epoch, updatedAt: epoch),
        Contact(
            id: 5, email: "b@x.io", phoneNumber: "100", linkedId: 3, linkPrecedence: .secondary,
            createdAt: epoch.addingTimeInterval(1), updatedAt: epoch.addingTimeInterval(1)),
    ]

    /// An import racing identifies of the same values never leaves a value in two groups:
    /// either the import runs first, or it finds the table not empty and loads nothing.
    @Test func importNeverInterleavesWithIdentify() async throws {
        try await TestDatabase.withClient { client, scratch in
            for round in 0..<12 {
                let store = try await scratch.store(client)
                let resolver = IdentityResolver(store: store)
                async let imported: Bool = {
                    do {
                        try await store.importContacts(ContactImport(contacts: Self.fixture))
                        return true
                    } catch ContactStoreError.notEmpty {
                        return false
                    }
                }()
                async let identified = resolver.identify(
                    email: "a@x.io", phoneNumber: round.isMultiple(of: 2) ? "7" : nil)
                let (didImport, identification) = try await (imported, identified)
                let rows = try await InvariantChecker.check(store: store)
                if didImport {
                    #expect(identification.contact.primaryContactID == 3, "round \(round)")
                } else {
                    #expect(rows.allSatisfy { $0.id < 3 }, "round \(round): a refused import wrote rows")
                }
            }
        }
    }

    /// Ids continue after the largest imported id, and the sequence never moves backwards.
    @Test func idsContinueAfterImport() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
            try await resolver.importContacts(Self.fixture)
            let next = try await resolver.identify(email: "c@x.io", phoneNumber: nil)
            #expect(next.outcome == .createdPrimary(contactID: 6))
            #expect(try await store.contacts(afterID: 0, limit: 10).map(\.id) == [3, 5, 6])

            // Emptied by hand and imported again with smaller ids: new ids still exceed 6.
            try await TestDatabase.execute(client, "DELETE FROM \"\(store.schema)\".\"Contact\"")
            try await resolver.importContacts([Self.fixture[0]])
            let after = try await resolver.identify(email: "d@x.io", phoneNumber: nil)
            #expect(after.outcome == .createdPrimary(contactID: 7))
        }
    }
}
