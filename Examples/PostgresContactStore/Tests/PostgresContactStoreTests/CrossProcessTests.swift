import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import Testing

@Suite("Cross-process", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct CrossProcessTests {
    /// The worker executable, built beside this test bundle (or in the package's default build folder).
    static var workerURL: URL {
        let name = "postgres-identify-worker"
        let besideTests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.appendingPathComponent(".build/debug/\(name)")
    }

    /// Several OS processes identify overlapping values at once against one table; then
    /// the rows satisfy the invariants, no (email, phone) pair was inserted twice, and the
    /// groups equal those of a sequential replay of the same requests.
    @Test(arguments: [(seed: 11 as UInt64, alphabet: 30), (seed: 12, alphabet: 200)])
    func overlappingIdentifiesFromSeveralProcesses(seed: UInt64, alphabet: Int) async throws {
        let worker = Self.workerURL
        try #require(
            FileManager.default.isExecutableFile(atPath: worker.path),
            "build the worker first: swift build --package-path Examples/PostgresContactStore")
        let requestCount = 1_200
        let processes = 3
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let running = try (0..<processes).map { index in
                try Self.launch(
                    worker,
                    arguments: [
                        "--schema", store.schema, "--seed", "\(seed)", "--requests", "\(requestCount)",
                        "--emails", "\(alphabet)", "--phones", "\(alphabet)",
                        "--worker", "\(index)", "--workers", "\(processes)", "--tasks", "4",
                    ])
            }
            for (process, output) in running {
                await Self.wait(for: process)
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(process.terminationStatus == 0, "worker failed: \(text)")
            }

            let rows = try await InvariantChecker.check(store: store)
            let pairs = rows.filter(\.isLive).map { "\($0.email ?? "-")|\($0.phoneNumber ?? "-")" }
            #expect(Set(pairs).count == pairs.count, "an (email, phone) pair was inserted twice")

            var random = SplitMix64(seed: seed)
            let requests = (0..<requestCount).map { _ in random.request(emails: alphabet, phones: alphabet) }
            let replay = IdentityResolver(store: InMemoryContactStore(), clock: ManualClock(step: 1))
            for request in requests {
                _ = try await replay.identify(email: request.email, phoneNumber: request.phoneNumber)
            }
            let replayRows = try await InvariantChecker.check(store: replay.store)
            #expect(InvariantChecker.valueGroups(rows) == InvariantChecker.valueGroups(replayRows))
        }
    }

    static func launch(_ executable: URL, arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    static func wait(for process: Process) async {
        while process.isRunning {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
