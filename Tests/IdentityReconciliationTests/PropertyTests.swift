import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seeded random sequences of identifies mixed with deletes, forgets and erases over small
/// alphabets, each step compared with ``ReferenceModel`` and followed by the invariant
/// checker (groups equal the components of the evidence).
@Suite("Property")
struct PropertyTests {
    /// Sequences per test case (the cases run in parallel): 8 × 250 = 2,000 sequences of 30
    /// requests over the in-memory store, 8 × 40 = 320 over the file store, which syncs every
    /// write.
    static func sequencesPerChunk(_ kind: StoreKind) -> Int {
        switch kind {
        case .inMemory: 250
        // Each file-store sequence also opens a file; fewer sequences keep the run short.
        case .file: 40
        }
    }
    static let chunks = Array(0..<8)

    @Test(
        "every result, every row and every lookup agree with the reference model", arguments: StoreKind.allCases, chunks
    )
    func agreesWithReference(kind: StoreKind, chunk: Int) async throws {
        var totals = Totals()
        let sequences = Self.sequencesPerChunk(kind)
        for sequence in 0..<sequences {
            let seed = UInt64(chunk * sequences + sequence)
            try await Self.run(seed: seed, kind: kind, totals: &totals)
        }
        // The workload is dense: make sure every kind of step actually happens often.
        #expect(totals.merges > 2 * sequences, "\(totals)")
        #expect(totals.secondaries > 2 * sequences, "\(totals)")
        #expect(totals.unchanged > 2 * sequences, "\(totals)")
        #expect(totals.backwards > sequences / 5, "\(totals)")
        #expect(totals.deletedHits > sequences / 5, "\(totals)")
        #expect(totals.splits > sequences / 10, "\(totals)")
        #expect(totals.corrections > 2 * sequences, "\(totals)")
        #expect(totals.notFound > sequences / 5, "\(totals)")
    }

    @Test(
        "with a random protection, every result, row and lookup agree with the reference model extended with it",
        arguments: StoreKind.allCases, chunks.prefix(4))
    func agreesWithReferenceUnderProtection(kind: StoreKind, chunk: Int) async throws {
        var totals = Totals()
        let sequences = Self.sequencesPerChunk(kind)
        for sequence in 0..<sequences {
            let seed = UInt64(1_000_000 + chunk * sequences + sequence)
            try await Self.run(seed: seed, kind: kind, protected: true, totals: &totals)
        }
        #expect(totals.merges > sequences / 2, "\(totals)")
        #expect(totals.secondaries > sequences, "\(totals)")
        #expect(totals.blocked > 2 * sequences, "\(totals)")
        #expect(totals.dropped > sequences / 2, "\(totals)")
        #expect(totals.allBlocked > sequences / 5, "\(totals)")
    }

    struct Totals {
        var merges = 0
        var secondaries = 0
        var unchanged = 0
        var backwards = 0
        var deletedHits = 0
        var corrections = 0
        var splits = 0
        var notFound = 0
        /// Values left out because they are blocked, or dropped for a limit; requests refused
        /// because every value was blocked.
        var blocked = 0
        var dropped = 0
        var allBlocked = 0
    }

    /// One sequence: an optional import of deleted rows, then 30 requests; when `protected`,
    /// under a random ``ReferenceProtection``.
    static func run(seed: UInt64, kind: StoreKind, protected: Bool = false, totals: inout Totals) async throws {
        var random = SplitMix64(seed: seed)
        let emails = Int.random(in: 2...6, using: &random)
        let phones = Int.random(in: 2...6, using: &random)
        func email() -> String { "e\(Int.random(in: 0..<emails, using: &random))@x.io" }
        func phone() -> String { "\(Int.random(in: 0..<phones, using: &random))" }
        var now = Fixture.at(Double(Int.random(in: 0..<1_000, using: &random)))
        let clock = ManualClock(start: now)
        let protection =
            protected
            ? ReferenceProtection(
                random: &random, emails: (0..<emails).map { "e\($0)@x.io" }, phoneNumbers: (0..<phones).map { "\($0)" })
            : nil
        let resolver = try kind.makeResolver(clock: clock, protection: try protection?.graphProtection() ?? .none)

        var imported: [Contact] = []
        if Bool.random(using: &random) {
            // Deleted rows over the same alphabets, with gaps in their ids: they must never match.
            var id = 0
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                id += Int.random(in: 1...3, using: &random)
                imported.append(
                    Fixture.primary(id, email(), Bool.random(using: &random) ? phone() : nil, at: 0, deletedAt: 1))
            }
            try await resolver.importContacts(imported)
        }
        var model = ReferenceModel(rows: imported)
        let deletedValues = Set(imported.flatMap { [$0.email, $0.phoneNumber].compactMap { $0 } })

        for step in 0..<30 {
            let context = Comment(rawValue: "seed \(seed) step \(step)")
            // Time mostly moves forward, sometimes not at all (ties), sometimes backwards.
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                now = now.addingTimeInterval(-Double(Int.random(in: 1...50, using: &random)))
                totals.backwards += 1
            case 1: break
            default: now = now.addingTimeInterval(Double(Int.random(in: 1...5, using: &random)))
            }
            clock.set(now)

            if Int.random(in: 0..<6, using: &random) == 0 {
                let expected: ReferenceModel.CorrectionOutcome
                let actual: ReferenceModel.CorrectionOutcome
                let maxID = (model.rows.map(\.id).max() ?? 0) + 1
                func run(_ body: () async throws -> Correction) async throws -> ReferenceModel.CorrectionOutcome {
                    do {
                        return .done(try await body())
                    } catch let error as CorrectionError {
                        return .failed(error)
                    }
                }
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    let id = Int.random(in: 1...maxID, using: &random)
                    expected = model.delete(contactID: id, now: now)
                    actual = try await run { try await resolver.delete(contactID: id) }
                case 1:
                    let value = email()
                    expected = model.forget(email: value, phoneNumber: nil, now: now)
                    actual = try await run { try await resolver.forget(email: value.uppercased()) }
                case 2:
                    let value = phone()
                    expected = model.forget(email: nil, phoneNumber: value, now: now)
                    actual = try await run { try await resolver.forget(phoneNumber: "(\(value))") }
                default:
                    let id = Int.random(in: 1...maxID, using: &random)
                    expected = model.erase(contactID: id, now: now)
                    actual = try await run { try await resolver.erase(contactID: id) }
                }
                #expect(actual == expected, context)
                totals.corrections += 1
                if case .failed = expected { totals.notFound += 1 }
                if case .done(let correction) = expected, correction.isSplit { totals.splits += 1 }
                if try await !Self.agree(resolver, model, context) || actual != expected { return }
                continue
            }

            let (requestEmail, requestPhone): (String?, String?)
            switch Int.random(in: 0..<20, using: &random) {
            case 0..<9: (requestEmail, requestPhone) = (email(), phone())
            case 9..<14: (requestEmail, requestPhone) = (email(), nil)
            case 14..<19: (requestEmail, requestPhone) = (nil, phone())
            default:
                // A refused request: nothing may change.
                let before = try await resolver.allContacts()
                await #expect(throws: InputError.self, context) {
                    try await resolver.identify(email: "  " + email().uppercased() + "@", phoneNumber: phone())
                }
                #expect(try await resolver.allContacts() == before, context)
                continue
            }
            if [requestEmail, requestPhone].contains(where: { $0.map(deletedValues.contains) == true }) {
                totals.deletedHits += 1
            }

            // The library gets the values in another spelling; the standard policy normalizes them.
            let actual: Result<Identification, InputError>
            do {
                actual = .success(
                    try await resolver.identify(
                        email: requestEmail.map { " \($0.uppercased()) " }, phoneNumber: requestPhone.map { "(\($0))" })
                )
            } catch let error as InputError {
                actual = .failure(error)
            }
            let expected =
                if let protection {
                    model.identify(email: requestEmail, phoneNumber: requestPhone, now: now, protection: protection)
                } else {
                    Result<Identification, InputError>.success(
                        model.identify(email: requestEmail, phoneNumber: requestPhone, now: now))
                }
            #expect(actual == expected, context)
            switch expected {
            case .success(let expected):
                switch expected.outcome {
                case .merged: totals.merges += 1
                case .createdSecondary: totals.secondaries += 1
                case .unchanged: totals.unchanged += 1
                case .createdPrimary: break
                }
                for ignored in expected.ignored {
                    if case .groupLimit = ignored.reason { totals.dropped += 1 } else { totals.blocked += 1 }
                }
            case .failure: totals.allBlocked += 1
            }

            if try await !Self.agree(resolver, model, context) || actual != expected { return }  // one report is enough
        }

        // Lookups agree too and write nothing.
        let rows = try await resolver.allContacts()
        for index in 0..<emails {
            let value = "e\(index)@x.io"
            #expect(try await resolver.contact(email: value) == model.contact(email: value, phoneNumber: nil))
        }
        for index in 0..<phones {
            #expect(
                try await resolver.contact(phoneNumber: "\(index)")
                    == model.contact(email: nil, phoneNumber: "\(index)"))
        }
        for row in rows {
            let expected = row.isLive ? model.contact(email: row.email, phoneNumber: row.phoneNumber) : nil
            #expect(try await resolver.contact(id: row.id) == expected, "seed \(seed) id \(row.id)")
        }
        #expect(try await resolver.allContacts() == rows)
    }

    /// Whether the store's rows and links equal the model's and keep every invariant; records an issue if not.
    static func agree(
        _ resolver: IdentityResolver<AnyContactStore>, _ model: ReferenceModel, _ context: Comment
    ) async throws -> Bool {
        let rows = try await resolver.allContacts()
        let links = try await InvariantChecker.allLinks(of: resolver.store)
        #expect(rows == model.rows, context)
        #expect(links == model.links.sorted(), context)
        do {
            try InvariantChecker.check(rows, links: links)
        } catch {
            Issue.record(Comment(rawValue: "\(context.rawValue): \(error)"))
            return false
        }
        return rows == model.rows && links == model.links.sorted()
    }
}
