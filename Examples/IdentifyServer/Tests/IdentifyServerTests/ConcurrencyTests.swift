import Foundation
import HummingbirdTesting
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

@Suite("concurrent identifies")
struct ConcurrencyTests {
    enum StoreKind: String, CaseIterable {
        case memory, fileImmediate, fileGrouped, fileDeferred
    }

    @Test(
        "200 concurrent requests over overlapping values leave consistent, correctly linked rows",
        arguments: StoreKind.allCases)
    func concurrentOverlappingRequests(kind: StoreKind) async throws {
        switch kind {
        case .memory:
            try await concurrentOverlappingRequests(store: InMemoryContactStore())
        case .fileImmediate, .fileGrouped, .fileDeferred:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("identify-server-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("contacts.store").path
            let durability: FileContactStore.Durability =
                switch kind {
                case .fileImmediate: .immediate
                case .fileGrouped: .grouped
                default: .deferred
                }
            let store = try FileContactStore(path: path, durability: durability)
            let rows = try await concurrentOverlappingRequests(store: store)
            try store.close()
            // What the server answered from is what the file holds.
            let reopened = try FileContactStore(path: path, mode: .readOnly)
            #expect(try await InvariantChecker.check(store: reopened) == rows)
            try reopened.close()
        }
    }

    @discardableResult
    private func concurrentOverlappingRequests(store: some ContactStore) async throws -> [Contact] {
        var random = SplitMix64(seed: 0x1D_5E_44_E4)
        // Few distinct values, so requests collide, link and merge groups all the time.
        let requests = (0..<200).map { _ in random.request(emails: 12, phones: 12) }
        let server = TestServer(store: store)
        let statuses = try await server.run { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for request in requests {
                    group.addTask {
                        let body = IdentifyRequest(email: request.email, phoneNumber: request.phoneNumber)
                        return try await client.identify(
                            String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
                        )
                        .status.code
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 })
        let rows = try await InvariantChecker.check(store: server.store)

        // The final groups are exactly the connected components of the requests' values.
        var expected = UnionFind()
        for request in requests {
            let values = [request.email.map { "e:" + $0 }, request.phoneNumber.map { "p:" + $0 }].compactMap { $0 }
            for value in values { expected.add(value) }
            if values.count == 2 { expected.union(values[0], values[1]) }
        }
        var groupOfValue: [String: Int] = [:]
        for row in rows where row.isLive {
            if let email = row.email { groupOfValue["e:" + email] = row.primaryID }
            if let phone = row.phoneNumber { groupOfValue["p:" + phone] = row.primaryID }
        }
        #expect(Set(groupOfValue.keys) == Set(expected.values))
        for a in groupOfValue.keys {
            for b in groupOfValue.keys where a < b {
                #expect((groupOfValue[a] == groupOfValue[b]) == (expected.find(a) == expected.find(b)), "\(a) \(b)")
            }
        }
        return rows
    }
}

/// Connected components of values, for the expected grouping.
private struct UnionFind {
    private var parent: [String: String] = [:]

    var values: Dictionary<String, String>.Keys { parent.keys }

    mutating func add(_ value: String) {
        if parent[value] == nil { parent[value] = value }
    }

    func find(_ value: String) -> String {
        var current = value
        while let next = parent[current], next != current { current = next }
        return current
    }

    mutating func union(_ a: String, _ b: String) {
        let (rootA, rootB) = (find(a), find(b))
        if rootA != rootB { parent[rootB] = rootA }
    }
}
