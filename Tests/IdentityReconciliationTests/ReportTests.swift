import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Report")
struct ReportTests {
    @Test(
        "the super cluster: twenty customers sharing 0000000000 are one person, both it and the value are flagged; forget and blocking repair it",
        arguments: StoreKind.allCases)
    func superCluster(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        for customer in 1...20 {
            _ = try await resolver.identify(email: "customer\(customer)@shop.io", phoneNumber: "0000000000")
        }
        let group = GraphReport.GroupSummary(primaryID: 1, rows: 20, emails: 20, phoneNumbers: 1)
        let value = GraphReport.ValueSummary(field: .phoneNumber, value: "0000000000", rows: 20, links: 0, primaryID: 1)
        #expect(
            try await resolver.report(top: 3, flagGroupsOver: 10)
                == GraphReport(
                    rows: 20, liveRows: 20, deletedRows: 0, links: 0, people: 1,
                    groupSizes: [
                        .init(smallest: 1, largest: 1, groups: 0), .init(smallest: 2, largest: 3, groups: 0),
                        .init(smallest: 4, largest: 7, groups: 0), .init(smallest: 8, largest: 15, groups: 0),
                        .init(smallest: 16, largest: 31, groups: 1),
                    ],
                    // Every email is held by one row: it joins nothing and is not a candidate.
                    largestGroups: [group], topValues: [value], flagThreshold: 10, flaggedGroups: [group],
                    flaggedValues: [value]))

        // Forgetting the value splits the cluster back into twenty people; nothing is flagged.
        _ = try await resolver.forget(phoneNumber: "0000000000")
        let repaired = try await resolver.report(top: 3, flagGroupsOver: 10)
        #expect(repaired.people == 20 && repaired.liveRows == 20)
        #expect(repaired.groupSizes == [.init(smallest: 1, largest: 1, groups: 20)])
        #expect(repaired.largestGroups.map(\.primaryID) == [1, 2, 3])
        #expect(repaired.topValues.isEmpty && repaired.flaggedGroups.isEmpty && repaired.flaggedValues.isEmpty)

        // Blocking keeps it repaired: more customers typing the placeholder stay apart, and
        // the value is not stored again.
        let protected = IdentityResolver(store: resolver.store, protection: GraphProtection(blockedValues: .common))
        for customer in 21...25 {
            let result = try await protected.identify(email: "customer\(customer)@shop.io", phoneNumber: "000-000-0000")
            #expect(result.contact.primaryContactID == customer && result.ignored.map(\.field) == [.phoneNumber])
        }
        let protectedReport = try await protected.report(top: 3, flagGroupsOver: 10)
        #expect(protectedReport.people == 25 && protectedReport.flaggedValues.isEmpty)
        #expect(try await resolver.contact(phoneNumber: "0000000000") == nil)
    }

    @Test("an empty store reports zeros")
    func emptyStore() async throws {
        let report = try await IdentityResolver(store: InMemoryContactStore()).report()
        #expect(
            report
                == GraphReport(
                    rows: 0, liveRows: 0, deletedRows: 0, links: 0, people: 0, groupSizes: [], largestGroups: [],
                    topValues: [], flagThreshold: 50, flaggedGroups: [], flaggedValues: []))
    }

    @Test(
        "on random stores, every count, bucket, top list and flag equals a brute-force computation",
        arguments: StoreKind.allCases)
    func agreesWithBruteForce(kind: StoreKind) async throws {
        var flagged = 0
        var withLinks = 0
        for seed in 0..<UInt64(kind.randomStoreCount) {
            var random = SplitMix64(seed: seed)
            let emails = Int.random(in: 2...12, using: &random)
            let phones = Int.random(in: 2...12, using: &random)
            func email() -> String { "e\(Int.random(in: 0..<emails, using: &random))@x.io" }
            func phone() -> String { "\(Int.random(in: 0..<phones, using: &random))" }
            let resolver = try kind.makeResolver()
            for _ in 0..<Int.random(in: 0...40, using: &random) {
                switch Int.random(in: 0..<12, using: &random) {
                case 0: _ = try? await resolver.forget(phoneNumber: phone())
                case 1: _ = try? await resolver.delete(contactID: Int.random(in: 1...20, using: &random))
                case 2..<4: _ = try await resolver.identify(email: nil, phoneNumber: phone())
                case 4..<6: _ = try await resolver.identify(email: email(), phoneNumber: nil)
                default: _ = try await resolver.identify(email: email(), phoneNumber: phone())
                }
            }
            let top = Int.random(in: 0...4, using: &random)
            let threshold = Int.random(in: 1...6, using: &random)
            let report = try await resolver.report(top: top, flagGroupsOver: threshold)
            let expected = Self.bruteForce(
                rows: try await resolver.allContacts(), links: try await resolver.allLinks(), top: top,
                threshold: threshold)
            #expect(report == expected, "seed \(seed)")
            // The JSON the tool and the server print is what `JSONDecoder` reads back as the report.
            var json: [UInt8] = []
            WireCodec.appendReport(report, to: &json)
            #expect(try JSONDecoder().decode(GraphReport.self, from: Data(json)) == report, "seed \(seed)")
            if !expected.flaggedGroups.isEmpty && !expected.flaggedValues.isEmpty { flagged += 1 }
            if expected.topValues.contains(where: { $0.links > 0 }) { withLinks += 1 }
        }
        // The workload must flag things and list values bridging links, not only report zeros.
        #expect(flagged > kind.randomStoreCount / 4)
        #expect(withLinks > kind.randomStoreCount / 10)
    }

    /// The report computed the slow, obvious way: whole lists, grouped and fully sorted.
    static func bruteForce(rows: [Contact], links: [ContactLink], top: Int, threshold: Int) -> GraphReport {
        let live = rows.filter(\.isLive)
        let groups = Dictionary(grouping: live, by: \.primaryID).map { primaryID, members in
            GraphReport.GroupSummary(
                primaryID: primaryID, rows: members.count, emails: Set(members.compactMap(\.email)).count,
                phoneNumbers: Set(members.compactMap(\.phoneNumber)).count)
        }
        .sorted { ($1.rows, $0.primaryID) < ($0.rows, $1.primaryID) }
        var buckets: [GraphReport.SizeBucket] = []
        var smallest = 1
        while smallest <= (groups.first?.rows ?? 0) {
            let largest = 2 * smallest - 1
            buckets.append(
                .init(
                    smallest: smallest, largest: largest,
                    groups: groups.filter { (smallest...largest).contains($0.rows) }.count))
            smallest *= 2
        }
        func summaries(
            _ field: ContactField, _ value: (Contact) -> String?, _ linkValue: (ContactLink) -> String
        )
            -> [GraphReport.ValueSummary]
        {
            let values = Set(live.compactMap(value)).union(links.map(linkValue))
            return values.map { held in
                let holders = live.filter { value($0) == held }
                return GraphReport.ValueSummary(
                    field: field, value: held, rows: holders.count, links: links.filter { linkValue($0) == held }.count,
                    primaryID: holders.first?.primaryID)
            }
        }
        let values = (summaries(.email, \.email, \.email) + summaries(.phoneNumber, \.phoneNumber, \.phoneNumber))
            .filter { $0.rows + $0.links > 1 }
            .sorted { first, second in
                if first.weight != second.weight { return first.weight > second.weight }
                if first.field != second.field { return first.field == .email }
                return Array(first.value.utf8).lexicographicallyPrecedes(Array(second.value.utf8))
            }
        return GraphReport(
            rows: rows.count, liveRows: live.count, deletedRows: rows.count - live.count, links: links.count,
            people: groups.count, groupSizes: buckets, largestGroups: Array(groups.prefix(max(0, top))),
            topValues: Array(values.prefix(max(0, top))), flagThreshold: threshold,
            flaggedGroups: groups.filter { $0.rows > threshold },
            flaggedValues: values.filter { $0.rows + $0.links > threshold })
    }

    @Test("the partial selection keeps the first elements of any stream, in order", arguments: [0, 1, 2, 5, 40])
    func topSelection(capacity: Int) {
        var random = SplitMix64(seed: UInt64(capacity))
        for length in 0..<30 {
            let stream = (0..<length).map { _ in Int.random(in: 0..<10, using: &random) * 100 + length }
            var selection = TopSelection<Int>(capacity: capacity, ranksBefore: >)
            for element in stream { selection.consider(element) }
            #expect(selection.ranked() == Array(stream.sorted(by: >).prefix(capacity)))
        }
    }

    @Test("store errors and pages that repeat rows are errors, not a report")
    func storeErrors() async throws {
        let failing = IdentityResolver(store: FailingContactStore(throwing: Broken()))
        await #expect(throws: Broken()) { try await failing.report() }
        let resolver = IdentityResolver(store: ScanContactStore(fault: .pagingRepeatsLastRow))
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: nil)
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: nil)
        let error = await #expect(throws: ContactStoreError.self) { try await resolver.report() }
        #expect(
            error == .contractViolation("contacts(afterID: 2, limit: 10000) returned contact 2, out of order or again"))
    }
}
