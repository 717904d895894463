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
                        // Generous: the other suites load the same two cores meanwhile.
                        "--timeout", "60",
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
            try await TestDatabase.expectGroupsOfReplay(store, requests)
        }
    }

    /// Processes start and stop during the load: two workers run the whole workload, a
    /// third is killed (SIGTERM, which it does not handle) after a moment and a fourth starts
    /// then. The killed process's writes are whole or absent (its server transactions roll
    /// back), so after the survivors finish and every request is sent once more, the
    /// invariants hold and the groups equal a sequential replay.
    @Test func processesStartingAndStoppingDuringTheLoad() async throws {
        let worker = Self.workerURL
        try #require(FileManager.default.isExecutableFile(atPath: worker.path), "build the worker first")
        let (seed, alphabet, requestCount) = (13 as UInt64, 60, 900)
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            func arguments(_ index: Int, of workers: Int) -> [String] {
                [
                    "--schema", store.schema, "--seed", "\(seed)", "--requests", "\(requestCount)",
                    "--emails", "\(alphabet)", "--phones", "\(alphabet)", "--worker", "\(index)",
                    "--workers", "\(workers)", "--tasks", "4", "--timeout", "60",
                ]
            }
            var running = [
                try Self.launch(worker, arguments: arguments(0, of: 1)),
                try Self.launch(worker, arguments: arguments(0, of: 2)),
            ]
            let doomed = try Self.launch(worker, arguments: arguments(1, of: 2))
            try await Task.sleep(for: .milliseconds(1_500))
            doomed.0.terminate()  // SIGTERM: the worker has no handler, so it dies at once.
            await Self.wait(for: doomed.0)
            #expect(doomed.0.terminationReason == .uncaughtSignal, "the worker ended before it was stopped")
            running.append(try Self.launch(worker, arguments: arguments(1, of: 2)))
            for (process, output) in running {
                await Self.wait(for: process)
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(process.terminationStatus == 0, "worker failed: \(text)")
            }

            var random = SplitMix64(seed: seed)
            let requests = (0..<requestCount).map { _ in random.request(emails: alphabet, phones: alphabet) }
            let resolver = IdentityResolver(store: store)
            for request in requests {
                _ = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
            }
            try await TestDatabase.expectGroupsOfReplay(store, requests)
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
