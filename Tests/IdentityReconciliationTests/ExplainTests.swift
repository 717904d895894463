import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Explain")
struct ExplainTests {
    /// Rows 1 {a, 111} and 2 {b, 111} share a phone number; 3 {c, 222} and 4 {c, 333} an
    /// email; the request {b, 333} merges the two people and records the link {b, 333}.
    static func chain(_ kind: StoreKind) async throws -> (IdentityResolver<AnyContactStore>, ContactLink) {
        let resolver = try kind.makeResolver()
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "111")
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: "111")
        _ = try await resolver.identify(email: "c@x.io", phoneNumber: "222")
        _ = try await resolver.identify(email: "c@x.io", phoneNumber: "333")
        let merge = try await resolver.identify(email: "b@x.io", phoneNumber: "333")
        #expect(merge.outcome == .merged(primaryID: 1, demotedPrimaryID: 3))
        let links = try await resolver.allLinks()
        #expect(links.map(\.email) == ["b@x.io"] && links.map(\.phoneNumber) == ["333"])
        return (resolver, links[0])
    }

    @Test("a chain through a phone number, a link from a merge and an email", arguments: StoreKind.allCases)
    func chainThroughEveryKindOfEvidence(kind: StoreKind) async throws {
        let (resolver, link) = try await Self.chain(kind)
        #expect(
            try await resolver.explain(contactID: 1, to: 3) == [
                EvidenceStep(from: 1, to: 2, via: .phoneNumber("111")),
                EvidenceStep(from: 2, to: 4, via: .link(link)),
                EvidenceStep(from: 4, to: 3, via: .email("c@x.io")),
            ])
        #expect(
            try await resolver.explain(contactID: 3, to: 1) == [
                EvidenceStep(from: 3, to: 4, via: .email("c@x.io")),
                EvidenceStep(from: 4, to: 2, via: .link(link)),
                EvidenceStep(from: 2, to: 1, via: .phoneNumber("111")),
            ])
        #expect(
            try await resolver.explain(contactID: 2, to: 1) == [EvidenceStep(from: 2, to: 1, via: .phoneNumber("111"))])
        #expect(try await resolver.explain(contactID: 4, to: 4) == [])

        var json: [UInt8] = []
        WireCodec.appendExplanation(try await resolver.explain(contactID: 1, to: 3), to: &json)
        let createdAt = WireCodec.timestamp(link.createdAt)
        #expect(
            String(decoding: json, as: UTF8.self)
                == #"{"steps":[{"from":1,"to":2,"via":{"phoneNumber":"111"}},"#
                + #"{"from":2,"to":4,"via":{"link":{"email":"b@x.io","phoneNumber":"333","createdAt":"\#(createdAt)"}}},"#
                + #"{"from":4,"to":3,"via":{"email":"c@x.io"}}]}"#)
        json = []
        WireCodec.appendExplanation([], to: &json)
        #expect(String(decoding: json, as: UTF8.self) == #"{"steps":[]}"#)
    }

    @Test("rows that are not live, or belong to different people, have no explanation", arguments: StoreKind.allCases)
    func errors(kind: StoreKind) async throws {
        let (resolver, _) = try await Self.chain(kind)
        _ = try await resolver.identify(email: "z@x.io", phoneNumber: "999")  // row 5, another person
        _ = try await resolver.identify(email: "y@x.io", phoneNumber: nil)  // row 6, deleted below
        _ = try await resolver.delete(contactID: 6)
        await #expect(throws: ExplainError.contactNotFound(99)) { try await resolver.explain(contactID: 99, to: 1) }
        await #expect(throws: ExplainError.contactNotFound(99)) { try await resolver.explain(contactID: 1, to: 99) }
        await #expect(throws: ExplainError.contactNotFound(99)) { try await resolver.explain(contactID: 99, to: 99) }
        await #expect(throws: ExplainError.contactNotFound(6)) { try await resolver.explain(contactID: 6, to: 1) }
        await #expect(throws: ExplainError.contactNotFound(6)) { try await resolver.explain(contactID: 1, to: 6) }
        await #expect(throws: ExplainError.contactNotFound(6)) { try await resolver.explain(contactID: 6, to: 6) }
        await #expect(throws: ExplainError.differentPeople(1, 5)) { try await resolver.explain(contactID: 1, to: 5) }
        await #expect(throws: ExplainError.differentPeople(5, 3)) { try await resolver.explain(contactID: 5, to: 3) }
        #expect("\(ExplainError.differentPeople(1, 5))".contains("different people"))
    }

    @Test("store errors surface unchanged")
    func storeErrors() async throws {
        let resolver = IdentityResolver(store: FailingContactStore(throwing: Broken()))
        await #expect(throws: Broken()) { try await resolver.explain(contactID: 1, to: 2) }
    }

    // MARK: - The search on plain values

    /// 1 {a, 1}, 2 {a, 2}, 3 {b, 1}, 4 {b, 2}: two chains of two steps from 1 to 4.
    static let square = [
        Fixture.primary(1, "a", "1", at: 0), Fixture.secondary(2, "a", "2", of: 1, at: 1),
        Fixture.secondary(3, "b", "1", of: 1, at: 2), Fixture.secondary(4, "b", "2", of: 1, at: 3),
    ]

    @Test("among equally short chains: the email before the phone number, whatever the order of the input")
    func tieRule() {
        let expected = [
            EvidenceStep(from: 1, to: 2, via: .email("a")), EvidenceStep(from: 2, to: 4, via: .phoneNumber("2")),
        ]
        var random = SplitMix64(seed: 7)
        for _ in 0..<20 {
            #expect(
                ContactEvidence.shortestPath(from: 1, to: 4, rows: Self.square.shuffled(using: &random), links: [])
                    == expected)
        }
        // From 4 the email b reaches 3 first, then the phone number 1 reaches 1.
        #expect(
            ContactEvidence.shortestPath(from: 4, to: 1, rows: Self.square, links: []) == [
                EvidenceStep(from: 4, to: 3, via: .email("b")), EvidenceStep(from: 3, to: 1, via: .phoneNumber("1")),
            ])
    }

    @Test("links are crossed both ways, in link order; deleted rows and unjoined rows give no chain")
    func linksAndMissingRows() {
        let early = ContactLink(email: "a", phoneNumber: "9", createdAt: Fixture.at(5))
        let late = ContactLink(email: "a", phoneNumber: "8", createdAt: Fixture.at(6))
        let rows = [
            Fixture.primary(1, "a", nil, at: 0), Fixture.secondary(2, nil, "8", of: 1, at: 1),
            Fixture.secondary(3, nil, "9", of: 1, at: 2), Fixture.primary(4, "q", "7", at: 3),
            Fixture.primary(5, "a", "8", at: 4, deletedAt: 5),
        ]
        // Both links join 1 to a row two steps away from each other: the earlier link goes first.
        #expect(
            ContactEvidence.shortestPath(from: 1, to: 3, rows: rows, links: [late, early]) == [
                EvidenceStep(from: 1, to: 3, via: .link(early))
            ])
        #expect(
            ContactEvidence.shortestPath(from: 3, to: 2, rows: rows, links: [late, early]) == [
                EvidenceStep(from: 3, to: 1, via: .link(early)), EvidenceStep(from: 1, to: 2, via: .link(late)),
            ])
        #expect(ContactEvidence.shortestPath(from: 1, to: 4, rows: rows, links: [late, early]) == nil)
        #expect(ContactEvidence.shortestPath(from: 1, to: 5, rows: rows, links: [late, early]) == nil)
        #expect(ContactEvidence.shortestPath(from: 5, to: 5, rows: rows, links: []) == nil)
        #expect(ContactEvidence.shortestPath(from: 2, to: 2, rows: rows, links: []) == [])
        // Without the links, 1 is alone.
        #expect(ContactEvidence.shortestPath(from: 1, to: 2, rows: rows, links: []) == nil)
    }

    // MARK: - Against the reference model

    @Test(
        "on random groups, every chain is valid and as short as the reference model's search",
        arguments: StoreKind.allCases)
    func agreesWithReference(kind: StoreKind) async throws {
        var checked = 0
        var longest = 0
        var viaLink = 0
        for seed in 0..<UInt64(kind.randomStoreCount) {
            var random = SplitMix64(seed: seed)
            let emails = Int.random(in: 3...8, using: &random)
            let phones = Int.random(in: 3...8, using: &random)
            func email() -> String { "e\(Int.random(in: 0..<emails, using: &random))@x.io" }
            func phone() -> String { "\(Int.random(in: 0..<phones, using: &random))" }
            var now = Fixture.at(0)
            let clock = ManualClock(start: now)
            let resolver = try kind.makeResolver(clock: clock)
            var model = ReferenceModel()
            for _ in 0..<Int.random(in: 5...30, using: &random) {
                now = now.addingTimeInterval(Double(Int.random(in: 0...3, using: &random)))
                clock.set(now)
                switch Int.random(in: 0..<10, using: &random) {
                case 0:
                    let value = phone()
                    _ = model.forget(email: nil, phoneNumber: value, now: now)
                    _ = try? await resolver.forget(phoneNumber: value)
                case 1:
                    let value = email()
                    _ = model.forget(email: value, phoneNumber: nil, now: now)
                    _ = try? await resolver.forget(email: value)
                case 2..<4:
                    let value = email()
                    _ = model.identify(email: value, phoneNumber: nil, now: now)
                    _ = try await resolver.identify(email: value, phoneNumber: nil)
                default:
                    let (e, p) = (email(), phone())
                    _ = model.identify(email: e, phoneNumber: p, now: now)
                    _ = try await resolver.identify(email: e, phoneNumber: p)
                }
            }
            let rows = try await resolver.allContacts()
            #expect(rows == model.rows, "seed \(seed)")
            guard rows == model.rows else { return }
            let ids = rows.map(\.id)
            for _ in 0..<20 {
                let (source, target) = (ids.randomElement(using: &random)!, ids.randomElement(using: &random)!)
                let context = Comment(rawValue: "seed \(seed): \(source) → \(target)")
                let sourceLive = rows.contains { $0.id == source && $0.isLive }
                let targetLive = rows.contains { $0.id == target && $0.isLive }
                do {
                    let steps = try await resolver.explain(contactID: source, to: target)
                    #expect(model.problem(with: steps, from: source, to: target) == nil, context)
                    #expect(steps.count == model.evidenceDistance(from: source, to: target), context)
                    checked += 1
                    longest = max(longest, steps.count)
                    viaLink += steps.filter { if case .link = $0.via { true } else { false } }.count
                } catch let error as ExplainError {
                    let expected: ExplainError =
                        !sourceLive
                        ? .contactNotFound(source)
                        : !targetLive ? .contactNotFound(target) : .differentPeople(source, target)
                    #expect(error == expected, context)
                    if case .differentPeople = error {
                        #expect(model.evidenceDistance(from: source, to: target) == nil, context)
                    }
                }
            }
        }
        // The workload must produce long chains and chains through links, not only trivial ones.
        #expect(checked > kind.randomStoreCount * 5)
        #expect(longest >= 4)
        #expect(viaLink > kind.randomStoreCount / 5)
    }
}
