import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

/// The library's import repair, on plain values.
@Suite("Contact table repair")
struct ContactTableRepairTests {
    static let epoch = Date(timeIntervalSince1970: 1_680_307_200)

    static func row(
        _ id: Int, _ email: String?, _ phone: String?, linkedTo linkedId: Int? = nil,
        _ precedence: LinkPrecedence? = nil,
        at minute: Double? = nil, deleted: Bool = false
    ) -> Contact {
        let created = epoch.addingTimeInterval((minute ?? Double(id)) * 60)
        return Contact(
            id: id, email: email, phoneNumber: phone, linkedId: linkedId,
            linkPrecedence: precedence ?? (linkedId == nil ? .primary : .secondary),
            createdAt: created, updatedAt: created, deletedAt: deleted ? created.addingTimeInterval(1) : nil)
    }

    @Test func aConsistentTableIsUnchanged() throws {
        let rows = [
            Self.row(3, "c@x.io", "3"), Self.row(1, "a@x.io", "1"), Self.row(2, "b@x.io", "1", linkedTo: 1),
            Self.row(4, "a@x.io", "9", deleted: true),
        ]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts == rows.sorted { $0.id < $1.id })
        #expect(repair.report == ContactImportReport(rowCount: 4, deletedRowCount: 1, groupCount: 2))
        #expect(repair.report.isUnchanged)
        #expect(repair.report.description.contains("nothing needed repair"))
    }

    @Test func chainsAreFlattenedToTheRoot() throws {
        let rows = [
            Self.row(1, "a@x.io", "1"), Self.row(2, "b@x.io", "1", linkedTo: 1),
            Self.row(3, "c@x.io", "1", linkedTo: 2),
            Self.row(4, "d@x.io", "1", linkedTo: 3),
        ]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts.map(\.linkedId) == [nil, 1, 1, 1])
        #expect(repair.contacts.map(\.linkPrecedence) == [.primary, .secondary, .secondary, .secondary])
        #expect(repair.report.flattenedChainIDs == [3, 4])
        #expect(repair.report.relinkedIDs == [3, 4])
        #expect(repair.report.rerootedGroups == [] && repair.report.mergedPrimaryIDs == [])
        #expect(ContactInvariants.violations(in: repair.contacts) == [])
    }

    @Test func aGroupIsRerootedOnItsOldestRow() throws {
        // Row 6 was created before its primary 5 (a race in the exporting service).
        let rows = [
            Self.row(5, "a@x.io", "1", at: 10), Self.row(6, "b@x.io", "1", linkedTo: 5, at: 2),
            Self.row(7, "c@x.io", "1", linkedTo: 5, at: 11),
        ]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts.map(\.linkedId) == [6, nil, 6])
        #expect(repair.report.rerootedGroups == [.init(previousPrimaryID: 5, primaryID: 6)])
        #expect(repair.report.relinkedIDs == [5, 6, 7])
        #expect(repair.report.description.contains("re-rooted 1 group(s) on their oldest row: 5 → 6"))
        #expect(ContactInvariants.violations(in: repair.contacts) == [])
    }

    @Test func equalTimestampsFallBackToTheSmallerID() throws {
        let rows = [Self.row(9, "a@x.io", nil, at: 1), Self.row(8, nil, "1", linkedTo: 9, .secondary, at: 1)]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts.map(\.linkedId) == [nil, 8])
        #expect(repair.report.rerootedGroups == [.init(previousPrimaryID: 9, primaryID: 8)])
    }

    @Test func duplicatePrimariesSharingAValueAreMerged() throws {
        let rows = [
            Self.row(1, "a@x.io", "1"), Self.row(2, "b@x.io", "2"), Self.row(3, "c@x.io", "1", linkedTo: 1),
            Self.row(4, "d@x.io", "2", linkedTo: 2), Self.row(5, "a@x.io", "5"),
            // Row 6 shares a phone with group 1 and an email with group 2: everything is one person.
            Self.row(6, "d@x.io", "1", linkedTo: 2),
        ]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts.map(\.linkedId) == [nil, 1, 1, 1, 1, 1])
        #expect(repair.report.mergedPrimaryIDs == [2, 5])
        #expect(repair.report.relinkedIDs == [2, 4, 5, 6])
        #expect(repair.report.groupCount == 1)
        #expect(ContactInvariants.violations(in: repair.contacts) == [])
        let contact = try #require(ReconciliationRules.consolidate(repair.contacts))
        #expect(contact.emails == ["a@x.io", "b@x.io", "c@x.io", "d@x.io"])
    }

    @Test func softDeletedRowsAreKeptAsTheyAreAndNeverMatch() throws {
        let rows = [
            Self.row(1, "a@x.io", "1"), Self.row(2, "b@x.io", "2"),
            // Deleted rows: one shares values with both groups, one links to a secondary.
            Self.row(3, "a@x.io", "2", deleted: true), Self.row(4, "c@x.io", "1", linkedTo: 5, deleted: true),
            Self.row(5, "d@x.io", "1", linkedTo: 1),
        ]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts == rows)
        #expect(repair.report.groupCount == 2)
        #expect(repair.report.deletedRowCount == 2)
    }

    @Test func linksThroughDeletedRowsStillJoin() throws {
        let rows = [
            Self.row(1, "a@x.io", "1"), Self.row(2, "b@x.io", "2", linkedTo: 1, deleted: true),
            Self.row(3, "c@x.io", "3", linkedTo: 2),
            // Its only link is a deleted primary: it becomes a primary itself.
            Self.row(4, "d@x.io", "4", deleted: true), Self.row(5, "e@x.io", "5", linkedTo: 4),
        ]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts.map(\.linkedId) == [nil, 1, 1, nil, nil])
        #expect(repair.contacts[4].linkPrecedence == .primary)
        #expect(repair.report.flattenedChainIDs == [3])
        #expect(repair.report.relinkedIDs == [3, 5])
        #expect(ContactInvariants.violations(in: repair.contacts) == [])
    }

    @Test func contradictoryPrecedenceIsFixed() throws {
        let rows = [
            Self.row(1, "a@x.io", "1", .secondary), Self.row(2, "b@x.io", "1", linkedTo: 1, .primary),
        ]
        let repair = try ContactTableRepair(repairing: rows)
        #expect(repair.contacts.map(\.linkPrecedence) == [.primary, .secondary])
        #expect(repair.report.relinkedIDs == [1, 2])
    }

    @Test func unrepairableRowsAreAllReportedWithTheirLines() throws {
        let rows = [
            Self.row(1, "a@x.io", "1"), Self.row(0, "b@x.io", nil), Self.row(1, "c@x.io", nil),
            Self.row(4, "d@x.io", nil, linkedTo: 99), Self.row(-2, nil, "5"), Self.row(Int.max, nil, "6", at: 6),
        ]
        let error = #expect(throws: ContactImportError.self) {
            try ContactTableRepair(repairing: rows, lines: [2, 3, 5, 8, 9, 10])
        }
        #expect(
            error?.problems == [
                .init(kind: .idOutOfRange, line: 3, contactID: 0, message: "id is not in 1..<Int.max"),
                .init(kind: .duplicateID, line: 5, contactID: 1, message: "id is also used on line 2"),
                .init(kind: .missingLink, line: 8, contactID: 4, message: "linkedId 99 names no row of the table"),
                .init(kind: .idOutOfRange, line: 9, contactID: -2, message: "id is not in 1..<Int.max"),
                .init(kind: .idOutOfRange, line: 10, contactID: Int.max, message: "id is not in 1..<Int.max"),
            ])
        #expect(
            error?.description.hasPrefix("the table cannot be imported (5 problem(s)); nothing was imported:") == true)
    }

    @Test func datesNoRowMayHoldAreRefused() throws {
        var notANumber = Self.row(1, "a@x.io", nil)
        notANumber.createdAt = Date(timeIntervalSince1970: .nan)
        var year10000 = Self.row(2, "b@x.io", nil)
        year10000.updatedAt = Date(timeIntervalSince1970: 253_402_300_800)
        var deletedBeforeYear1 = Self.row(3, "c@x.io", nil)
        deletedBeforeYear1.deletedAt = Date(timeIntervalSince1970: -.infinity)
        let rows = [Self.row(4, "d@x.io", nil), notANumber, year10000, deletedBeforeYear1]
        // Caught by hand: Swift Testing would reflect the rows, and Foundation's
        // `Date.description` traps on NaN.
        var problems: [ContactImportError.Problem] = []
        do { _ = try ContactTableRepair(repairing: rows) } catch { problems = error.problems }
        let outside = "seconds from 1970) is outside years 1 through 9999"
        #expect(
            problems == [
                .init(kind: .dateOutOfRange, line: 2, contactID: 1, message: "createdAt (nan \(outside)"),
                .init(kind: .dateOutOfRange, line: 3, contactID: 2, message: "updatedAt (253402300800.0 \(outside)"),
                .init(kind: .dateOutOfRange, line: 4, contactID: 3, message: "deletedAt (-inf \(outside)"),
            ])
    }

    @Test func linkCyclesAreRefused() throws {
        let rows = [
            Self.row(1, "a@x.io", nil, linkedTo: 2), Self.row(2, "b@x.io", nil, linkedTo: 1),
            Self.row(3, "c@x.io", nil, linkedTo: 1), Self.row(4, "d@x.io", nil, linkedTo: 4),
        ]
        let error = #expect(throws: ContactImportError.self) { try ContactTableRepair(repairing: rows) }
        #expect(error?.problems.map(\.kind) == [.linkCycle, .linkCycle, .linkCycle])
        #expect(error?.problems.map(\.line) == [1, 2, 4])
    }

    /// Random messy tables: the repair always satisfies the invariants, keeps every id,
    /// value and timestamp, keeps deleted rows, and never splits rows that shared a value.
    @Test(arguments: 0..<40)
    func randomTablesAreRepaired(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let count = Int.random(in: 1...60, using: &random)
        var ids = Array(1...count * 2).shuffled(using: &random).prefix(count).map { $0 }
        ids.sort()
        var rows: [Contact] = []
        for (index, id) in ids.enumerated() {
            // Links only go to earlier positions, so there are no cycles.
            let linked =
                index > 0 && Int.random(in: 0..<3, using: &random) > 0
                ? ids[Int.random(in: 0..<index, using: &random)] : nil
            let (email, phone) = random.request(emails: count / 2 + 1, phones: count / 2 + 1)
            rows.append(
                Self.row(
                    id, email, phone, linkedTo: linked,
                    Bool.random(using: &random) ? .primary : .secondary,
                    at: Double(Int.random(in: 0...20, using: &random)),
                    deleted: Int.random(in: 0..<8, using: &random) == 0))
        }
        rows.shuffle(using: &random)
        let repair = try ContactTableRepair(repairing: rows)
        #expect(ContactInvariants.violations(in: repair.contacts) == [])
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        #expect(repair.contacts.map(\.id) == ids)
        for repaired in repair.contacts {
            var original = try #require(byID[repaired.id])
            if original.isLive {
                original.linkedId = repaired.linkedId
                original.linkPrecedence = repaired.linkPrecedence
            }
            #expect(repaired == original)
        }
        #expect(Set(repair.report.relinkedIDs) == Set(repair.contacts.filter { byID[$0.id] != $0 }.map(\.id)))
        // The repaired table is a fixed point.
        #expect(try ContactTableRepair(repairing: repair.contacts, links: repair.links).report.isUnchanged)
    }

    @Test func resolverImportRepairsReportsAndContinuesIDs() async throws {
        let resolver = IdentityResolver(
            store: InMemoryContactStore(), clock: ManualClock(start: Self.epoch.addingTimeInterval(3600)))
        let report = try await resolver.importContacts(repairing: [
            Self.row(10, "a@x.io", "1"), Self.row(11, "b@x.io", "1", linkedTo: 10),
            Self.row(12, "c@x.io", "1", linkedTo: 11),
        ])
        #expect(report.flattenedChainIDs == [12])
        try await InvariantChecker.check(store: resolver.store)
        let next = try await resolver.identify(email: "new@x.io", phoneNumber: nil)
        #expect(next.outcome == .createdPrimary(contactID: 13))
    }

    @Test func resolverImportIsAllOrNothing() async throws {
        let resolver = IdentityResolver(store: InMemoryContactStore())
        await #expect(throws: ContactImportError.self) {
            try await resolver.importContacts(repairing: [
                Self.row(1, "a@x.io", nil), Self.row(2, "b@x.io", nil, linkedTo: 7),
            ])
        }
        #expect(try await resolver.allContacts().isEmpty)
        // A repairable table still needs an empty store.
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: nil)
        await #expect(throws: ContactStoreError.notEmpty) {
            try await resolver.importContacts(repairing: [Self.row(5, "b@x.io", nil)])
        }
    }
}
