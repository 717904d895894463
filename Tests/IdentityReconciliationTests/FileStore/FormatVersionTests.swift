import Foundation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// Files written by earlier versions of the library open as they are, and are rewritten as
/// the current version only when a record the old version lacks is needed.
@Suite("File store format versions")
struct FormatVersionTests {
    /// A version-1 file written by the library before plans: an import of rows 1–3 (3 soft-deleted),
    /// then identifies that created 4 and 5, merged 5 into 4, added secondary 6 of 1 and primary 7.
    static let version1Fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/version1.store").path

    /// The rows of the fixture: (id, email, phoneNumber, linkedId, deleted).
    static let version1Rows: [(Int, String?, String?, Int?, Bool)] = [
        (1, "lorraine@hillvalley.edu", "123456", nil, false),
        (2, "mcfly@hillvalley.edu", "123456", 1, false),
        (3, "gone@hillvalley.edu", "999", 1, true),
        (4, "george@hillvalley.edu", "919191", nil, false),
        (5, "biffsucks@hillvalley.edu", "717171", 4, false),
        (6, "doc@hillvalley.edu", "123456", 1, false),
        (7, "marty@hillvalley.edu", nil, nil, false),
    ]

    private static func version(of path: String) throws -> UInt8 { try fileBytes(path)[8] }

    private static func copyOfFixture(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file()
        try writeFile(path, try fileBytes(Self.version1Fixture))
        return path
    }

    @Test("a version-1 file opens with every row, link and soft-delete as written")
    func version1Opens() async throws {
        let directory = try TemporaryDirectory()
        let path = try Self.copyOfFixture(in: directory)
        #expect(try Self.version(of: path) == 1)
        let store = try FileContactStore(path: path, mode: .readOnly)
        let rows = try await store.allRows()
        #expect(rows.count == Self.version1Rows.count)
        for (row, expected) in zip(rows, Self.version1Rows) {
            #expect(
                row.id == expected.0 && row.email == expected.1 && row.phoneNumber == expected.2
                    && row.linkedId == expected.3 && (row.deletedAt != nil) == expected.4, "\(row)")
            #expect(row.linkPrecedence == (row.linkedId == nil ? .primary : .secondary))
        }
        #expect(rows[4].updatedAt > rows[4].createdAt, "the merge's updatedAt was lost")
        try InvariantChecker.check(rows)
        try store.verify()
        try store.close()
    }

    @Test("a version-1 file opened read-write gets the links its merges did not record, and is rewritten at once")
    func version1MergesGetLinks() async throws {
        let directory = try TemporaryDirectory()
        let path = try Self.copyOfFixture(in: directory)
        let readOnly = try FileContactStore(path: path, mode: .readOnly)
        let links = try await readOnly.links(after: nil, limit: 10)
        #expect(links.map { [$0.email, $0.phoneNumber] } == [["george@hillvalley.edu", "717171"]])
        try readOnly.close()
        #expect(try Self.version(of: path) == 1)
        let store = try FileContactStore(path: path)
        #expect(try Self.version(of: path) == UInt8(StoreFormat.version))
        #expect(try await store.links(after: nil, limit: 10) == links)
        try await InvariantChecker.check(store: store)
        // Deleting george now leaves biff alone, his own person.
        let correction = try await IdentityResolver(store: store).delete(contactID: 4)
        #expect(correction.contacts.map(\.primaryContactID) == [5])
        try store.close()
    }

    @Test(
        "identifies keep a version-1 file at version 1; the first plan it cannot hold rewrites it as the current version"
    )
    func version1IsUpgradedOnDemand() async throws {
        // A version-1 file without merges: a new store's records with a version-1 header.
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let writer = try FileContactStore(path: path)
        let resolver = IdentityResolver(store: writer, clock: ManualClock(step: 1))
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: "1")
        try writer.close()
        var bytes = try fileBytes(path)
        bytes.replaceSubrange(0..<StoreFormat.headerSize, with: StoreFormat.header(version: 1))
        try writeFile(path, bytes)

        let store = try FileContactStore(path: path)
        let reopened = IdentityResolver(store: store, clock: ManualClock(start: Fixture.at(1e9), step: 1))
        _ = try await reopened.identify(email: "c@x.io", phoneNumber: "1")
        _ = try await reopened.identify(email: "d@x.io", phoneNumber: "4")
        try store.sync()
        #expect(try Self.version(of: path) == 1)
        // A merge records its link, which version 1 cannot hold.
        let merged = try await reopened.identify(email: "d@x.io", phoneNumber: "1")
        #expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 4))
        #expect(try Self.version(of: path) == UInt8(StoreFormat.version))
        let before = try await store.allRows()
        try store.verify()
        try store.close()
        let again = try FileContactStore(path: path)
        #expect(try await again.allRows() == before)
        #expect(try await again.links(after: nil, limit: 10).map(\.email) == ["d@x.io"])
        try again.verify()
        try again.close()
    }

    @Test("plans of several writes and links are replayed from the journal exactly")
    func plansReplay() async throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file(), options: .init(durability: .deferred))
        let clock = ManualClock(start: Fixture.at(0), step: 1)
        let resolver = IdentityResolver(store: store, clock: clock)
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: "1")
        _ = try await resolver.identify(email: "c@x.io", phoneNumber: "3")
        let link = ContactLink(email: "c@x.io", phoneNumber: "1", createdAt: Fixture.at(100))
        _ = try await store.commit(reading: .matching(email: "c@x.io", phoneNumber: "1")) { _ in
            ContactPlan([.relinkGroup(primaryID: 3, survivorID: 1, updatedAt: Fixture.at(100)), .addLink(link)])
        }
        _ = try await store.commit(reading: ContactSelection(contactID: 2, includesLinks: true)) { _ in
            ContactPlan([
                .delete(contactID: 2, at: Fixture.at(101)),
                .clearValues(contactID: 2, email: true, phoneNumber: false, updatedAt: Fixture.at(101)),
                .insert(email: "d@x.io", phoneNumber: "1", linkedId: 1, createdAt: Fixture.at(101)),
            ])
        }
        let rows = try await store.allRows()
        let links = try await store.read(ContactSelection(contactID: 1, includesLinks: true)).links
        #expect(links == [link])
        try store.close()
        let reopened = try FileContactStore(path: directory.file())
        #expect(try await reopened.allRows() == rows)
        #expect(try await reopened.read(ContactSelection(contactID: 1, includesLinks: true)).links == [link])
        #expect(try await reopened.read(.holding(phoneNumber: "1")).rows.map(\.id).sorted() == [1, 2, 3, 4])
        try reopened.verify()
        // Compaction writes the links into the snapshot.
        try reopened.compact()
        try reopened.close()
        let compacted = try FileContactStore(path: directory.file())
        #expect(try await compacted.allRows() == rows)
        #expect(try await compacted.read(ContactSelection(contactID: 1, includesLinks: true)).links == [link])
        try compacted.close()
    }
}
