import IdentityReconciliation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The test kit can fail: the invariant checker and the conformance check catch broken
/// rows and broken stores, and the clock steps as documented.
@Suite("Test kit")
struct TestKitTests {
    typealias F = Fixture
    typealias Kind = ContactInvariantViolation.Kind

    static let valid = [
        F.primary(1, "a@x.io", "1", at: 10),
        F.secondary(2, "b@x.io", "1", of: 1, at: 20),
        F.primary(3, "c@x.io", "3", at: 5),
        // Deleted rows may repeat values and point anywhere: they take no part.
        F.secondary(4, "c@x.io", "1", of: 99, at: 1, deletedAt: 2),
        F.primary(5, "a@x.io", "3", at: 1, deletedAt: 2),
    ]

    /// Hand-made broken tables, each breaking one rule.
    static let broken: [(Kind, [Contact], String)] = [
        (.idOutOfRange, [F.primary(0, "a@x.io", nil, at: 10)], "id 0"),
        (.idOutOfRange, [F.primary(-3, "a@x.io", nil, at: 10)], "negative id"),
        (.idOutOfRange, [F.primary(Int.max, "a@x.io", nil, at: 10)], "Int.max leaves no id for the next row"),
        (.duplicateID, [F.primary(1, "a@x.io", nil, at: 10), F.primary(1, "b@x.io", nil, at: 20)], "same id twice"),
        (
            .duplicateID, [F.primary(1, "a@x.io", nil, at: 10), F.primary(1, "b@x.io", nil, at: 20, deletedAt: 30)],
            "a deleted duplicate"
        ),
        (
            .precedenceMismatch,
            [
                F.primary(1, "a@x.io", nil, at: 10),
                {
                    var row = F.primary(2, "b@x.io", nil, at: 20); row.linkedId = 1; return row
                }(),
            ],
            "primary with a linkedId"
        ),
        (
            .precedenceMismatch,
            [
                F.primary(1, "a@x.io", nil, at: 10),
                {
                    var row = F.secondary(2, "b@x.io", nil, of: 1, at: 20); row.linkedId = nil; return row
                }(),
            ],
            "secondary without a linkedId"
        ),
        (
            .brokenLink, [F.primary(1, "a@x.io", "1", at: 10), F.secondary(2, "b@x.io", "1", of: 7, at: 20)],
            "link to a missing row"
        ),
        (
            .brokenLink,
            [F.primary(1, "a@x.io", "1", at: 10, deletedAt: 15), F.secondary(2, "b@x.io", "1", of: 1, at: 20)],
            "link to a deleted primary"
        ),
        (
            .brokenLink,
            [
                F.primary(1, "a@x.io", "1", at: 10), F.secondary(2, "b@x.io", "1", of: 1, at: 20),
                F.secondary(3, "c@x.io", "1", of: 2, at: 30),
            ],
            "a chain through a secondary"
        ),
        (
            .primaryNotOldest, [F.primary(1, "a@x.io", "1", at: 20), F.secondary(2, "b@x.io", "1", of: 1, at: 10)],
            "secondary older by time"
        ),
        (
            .primaryNotOldest, [F.primary(2, "a@x.io", "1", at: 10), F.secondary(1, "b@x.io", "1", of: 2, at: 10)],
            "secondary older by id on a tie"
        ),
        (
            .valueInTwoGroups, [F.primary(1, "a@x.io", "1", at: 10), F.primary(2, "a@x.io", "2", at: 20)],
            "one email in two groups"
        ),
        (
            .valueInTwoGroups, [F.primary(1, "a@x.io", "1", at: 10), F.primary(2, "b@x.io", "1", at: 20)],
            "one phone in two groups"
        ),
        (
            .valueInTwoGroups,
            [
                F.primary(1, "a@x.io", "1", at: 10), F.primary(2, "b@x.io", "2", at: 20),
                F.secondary(3, "c@x.io", "1", of: 2, at: 30),
            ],
            "a secondary's phone in another group"
        ),
        (
            .dateOutOfRange,
            [
                {
                    var row = F.primary(1, "a@x.io", nil, at: 10); row.createdAt = Self.year10000; return row
                }()
            ],
            "createdAt in the year 10000"
        ),
        (
            .dateOutOfRange,
            [
                {
                    var row = F.primary(1, "a@x.io", nil, at: 10);
                    row.updatedAt = .distantPast.addingTimeInterval(-1e12); return row
                }()
            ],
            "updatedAt before the year 1"
        ),
        (
            .dateOutOfRange,
            [F.primary(1, "a@x.io", nil, at: 10), F.primary(2, "b@x.io", nil, at: 20, deletedAt: 1e300)],
            "a deleted row's deletedAt far in the future"
        ),
    ]

    /// The first instant after `9999-12-31T23:59:59.999Z`, the last date a row may hold.
    static let year10000 = Date(timeIntervalSince1970: 253_402_300_800)

    @Test("consistent rows pass the checker")
    func validRowsPass() throws {
        #expect(ContactInvariants.violations(in: Self.valid).isEmpty)
        try InvariantChecker.check(Self.valid)
        try InvariantChecker.check([])
    }

    @Test("the checker detects every kind of violation", arguments: Self.broken.indices)
    func detectsViolation(index: Int) throws {
        let (kind, rows, name) = Self.broken[index]
        let violations = ContactInvariants.violations(in: rows)
        #expect(violations.contains { $0.kind == kind }, "\(name): \(violations)")
        let failure = #expect(throws: InvariantFailure.self, "\(name)") { try InvariantChecker.check(rows) }
        #expect(failure?.violations == violations)
        #expect(failure?.description.contains("invariant violation(s)") == true)
    }

    @Test("every kind of violation is covered by a broken table")
    func everyKindCovered() {
        let kinds: Set<Kind> = [
            .idOutOfRange, .duplicateID, .precedenceMismatch, .brokenLink, .primaryNotOldest, .valueInTwoGroups,
            .dateOutOfRange,
        ]
        #expect(Set(Self.broken.map(\.0)) == kinds)
    }

    @Test("violations name the row and read well")
    func violationMessages() {
        let violations = ContactInvariants.violations(in: [
            F.primary(1, "a@x.io", "1", at: 10), F.primary(2, "a@x.io", "2", at: 20),
        ])
        #expect(violations.count == 1)
        #expect(violations.first?.contactID == 2)
        #expect(violations.first?.description == #"contact 2: email "a@x.io" is in groups 1 and 2"#)
    }

    @Test("the checker reads a store page by page", arguments: StoreKind.allCases)
    func checksStore(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        for index in 0..<2_500 {
            _ = try await resolver.identify(email: "e\(index)@x.io", phoneNumber: "\(index / 2)")
        }
        let rows = try await InvariantChecker.check(store: resolver.store)
        #expect(rows.map(\.id) == Array(1...2_500))
        let broken = try InMemoryContactStore(contacts: Self.valid)
        #expect(try await InvariantChecker.check(store: broken) == Self.valid.sorted { $0.id < $1.id })
    }

    // MARK: ManualClock

    @Test("a clock with no step is frozen; a step moves it after each reading")
    func manualClockSteps() {
        let frozen = ManualClock()
        #expect(frozen.now() == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(frozen.now() == frozen.now())
        let stepping = ManualClock(start: F.at(0), step: 2.5)
        #expect(stepping.now() == F.at(0))
        #expect(stepping.now() == F.at(2.5))
        #expect(stepping.now() == F.at(5))
    }

    @Test("a clock can be advanced, moved back and set")
    func manualClockMoves() {
        let clock = ManualClock(start: F.at(100), step: 1)
        clock.advance(by: 10)
        #expect(clock.now() == F.at(110))
        clock.advance(by: -50)
        #expect(clock.now() == F.at(61))
        clock.set(F.at(7))
        #expect(clock.now() == F.at(7))
        #expect(clock.now() == F.at(8))
    }

    @Test("a shared clock gives every concurrent reader its own time")
    func manualClockConcurrent() async {
        let clock = ManualClock(start: F.at(0), step: 1)
        let readings = await withTaskGroup(of: [Date].self) { group in
            for _ in 0..<8 { group.addTask { (0..<100).map { _ in clock.now() } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(readings).count == 800)
        #expect(clock.now() == F.at(800))
    }

    // MARK: ContactStoreConformance

    @Test("a correct store written independently passes the conformance check")
    func correctStorePasses() async throws {
        try await ContactStoreConformance { ScanContactStore(fault: .none) }.run()
    }

    static let faults: [(ScanContactStore.Fault, String)] = [
        (.nilMatchesNil, "nil never matches nil"),
        (.ignoresUpdatedRows, "official example: george and biff merge"),
        (.storesOnlyFirstUpdatedRow, "merge relinks the whole newer group"),
        (.storesOnlyLinkFields, "every primitive write is persisted exactly"),
        (.dropsLinks, "official example: george and biff merge"),
        (.selectsNoDeletedRows, "every primitive write is persisted exactly"),
        (.insertsWhenUnchanged, "official example: lorraine and mcfly"),
        (.idsRestartAfterImport, "import keeps rows and soft-deletes"),
        (.dropsSoftDeletes, "import keeps rows and soft-deletes"),
        (.pagingIgnoresLimit, "reads and paging"),
        (.notAtomic, "concurrent identifies"),
        (.reportsNoInsertedIDs, "first identify creates primary 1"),
        (.pagingRepeatsLastRow, "official example: lorraine and mcfly"),
    ]

    @Test("the conformance check fails a broken store, in the scenario that covers the fault", arguments: Self.faults)
    func brokenStoreFails(fault: ScanContactStore.Fault, scenario: String) async throws {
        let failure = await #expect(throws: ConformanceFailure.self) {
            try await ContactStoreConformance { ScanContactStore(fault: fault) }.run()
        }
        #expect(failure?.scenario == scenario, "\(String(describing: failure))")
        #expect(failure?.description.hasPrefix("conformance scenario '\(scenario)' failed: ") == true)
    }

    @Test("the checker reports a store whose paging does not move forward instead of reading forever")
    func checkerStopsOnBrokenPaging() async throws {
        let store = ScanContactStore(fault: .pagingRepeatsLastRow)
        _ = try await IdentityResolver(store: store).identify(email: "a@x.io", phoneNumber: nil)
        let error = await #expect(throws: ContactStoreError.self) { try await InvariantChecker.check(store: store) }
        guard case .contractViolation(let reason) = error else {
            Issue.record("expected a contract violation, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("returned contact 1, out of order or again"))
    }

    @Test("every scenario can be run alone, and a store's own error is reported as a failure")
    func singleScenario() async throws {
        let names = ContactStoreConformance.scenarios.map(\.name)
        #expect(Set(names).count == names.count)
        let check = ContactStoreConformance { FailingContactStore(throwing: Broken()) }
        for scenario in ContactStoreConformance.scenarios {
            let failure = await #expect(throws: ConformanceFailure.self) { try await check.run(scenario) }
            #expect(failure?.scenario == scenario.name)
        }
    }
}
