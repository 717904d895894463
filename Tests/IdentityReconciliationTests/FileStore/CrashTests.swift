import Foundation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// Kills a child process (the `FileStoreCrashHelper` executable) with SIGKILL at random
/// moments while it identifies a stream of requests with immediate durability on the real
/// disk, reopens the store after each kill, and checks that nothing acknowledged was lost.
@Suite("File store crash (SIGKILL)")
struct CrashTests {
    static let kills = 50

    /// The helper executable, built with the tests, next to the test bundle.
    static var helperPath: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("FileStoreCrashHelper").path
    }

    @Test func killedAtRandomMomentsLosesNothingAcknowledged() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.helperPath),
            "no helper at \(Self.helperPath): build it with `swift build --build-tests`")
        let directory = try TemporaryDirectory(onDisk: true)
        let storePath = directory.file()
        var random = SplitMix64(seed: 2_024)
        let requests: [Request] = (0..<3_000).map { _ in random.request(emails: 150, phones: 150) }
        let requestsPath = directory.file("requests.txt")
        try Requests.fileText(requests).write(toFile: requestsPath, atomically: false, encoding: .utf8)

        var acknowledged: [Int: Int] = [:]  // request index → inserted id (0 when none)
        var next = 0
        var kills = 0
        var rounds = 0
        var recoveries = 0
        while kills < Self.kills && next < requests.count {
            rounds += 1
            let run = try await Self.runHelper(
                storePath: storePath, requestsPath: requestsPath, from: next,
                killAfterAcks: Int(random.next() % 4), extraMicroseconds: UInt32(random.next() % 20_000))
            #expect(run.errors.isEmpty, "the helper reported \(run.errors)")
            if run.killed { kills += 1 }
            for (index, id) in run.acknowledged {
                acknowledged[index] = id
            }
            if let last = run.acknowledged.map(\.index).max() { next = last + 1 }
            if try await Self.check(storePath: storePath, requests: requests, acknowledged: acknowledged) {
                recoveries += 1
            }
            try #require(rounds < Self.kills * 4, "the helper makes no progress")
        }
        #expect(kills >= Self.kills)
        print("crash test: \(kills) kills, \(acknowledged.count) acknowledged, \(recoveries) torn tails recovered")

        // Replaying the rest converges to the groups of an uninterrupted run.
        let rest = try await Self.runHelper(
            storePath: storePath, requestsPath: requestsPath, from: next, killAfterAcks: nil, extraMicroseconds: 0)
        #expect(rest.finished && rest.errors.isEmpty, "the final run did not finish: \(rest.errors)")
        let store = try FileContactStore(path: storePath)
        let rows = try await store.allRows()
        try store.close()
        let reference = IdentityResolver(store: InMemoryContactStore())
        for request in requests {
            _ = try await reference.identify(email: request.email, phoneNumber: request.phoneNumber)
        }
        let expected = try await reference.store.allRows()
        #expect(InvariantChecker.valueGroups(rows) == InvariantChecker.valueGroups(expected))
    }

    /// Opens the store like a restarted service would, and checks every acknowledged change.
    @discardableResult
    static func check(storePath: String, requests: [Request], acknowledged: [Int: Int]) async throws -> Bool {
        let store = try FileContactStore(path: storePath)
        defer { try? store.close() }
        try store.verify()
        let rows = try await store.allRows()
        try InvariantChecker.check(rows)
        var byID: [Int: Contact] = [:]
        var groupOfEmail: [String: Int] = [:]
        var groupOfPhone: [String: Int] = [:]
        for row in rows where row.isLive {
            byID[row.id] = row
            if let email = row.email { groupOfEmail[email] = row.primaryID }
            if let phone = row.phoneNumber { groupOfPhone[phone] = row.primaryID }
        }
        for (index, insertedID) in acknowledged {
            let request = requests[index]
            let emailGroup = request.email.flatMap { groupOfEmail[$0] }
            let phoneGroup = request.phoneNumber.flatMap { groupOfPhone[$0] }
            #expect(request.email == nil || emailGroup != nil, "request \(index): email \(request.email!) lost")
            #expect(request.phoneNumber == nil || phoneGroup != nil, "request \(index): phone lost")
            if request.email != nil && request.phoneNumber != nil {
                #expect(emailGroup == phoneGroup, "request \(index): its email and phone are no longer linked")
            }
            if insertedID != 0 {
                let row = byID[insertedID]
                #expect(
                    row?.email == request.email && row?.phoneNumber == request.phoneNumber,
                    "request \(index): inserted row \(insertedID) is missing or different")
            }
        }
        return store.recovery != nil
    }

    struct HelperRun {
        var acknowledged: [(index: Int, id: Int)] = []
        var errors: [String] = []
        var finished = false
        var killed = false
    }

    /// Runs the helper from a request index; when `killAfterAcks` is set, kills it with
    /// SIGKILL that many acknowledgements plus `extraMicroseconds` after it starts answering.
    static func runHelper(
        storePath: String, requestsPath: String, from first: Int, killAfterAcks: Int?, extraMicroseconds: UInt32
    ) async throws -> HelperRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: helperPath)
        process.arguments = [storePath, requestsPath, String(first)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let descriptor = output.fileHandleForReading.fileDescriptor
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func readAvailable(timeoutMilliseconds: Int32) -> Bool {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, timeoutMilliseconds) > 0 else { return true }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
            return count != 0
        }
        var open = true
        if let killAfterAcks {
            // Wait until the child has acknowledged enough, then let it run a random bit longer.
            while open
                && bytes.split(separator: UInt8(ascii: "\n")).count(where: { $0.starts(with: Array("ack".utf8)) })
                    <= killAfterAcks
            {
                open = readAvailable(timeoutMilliseconds: 50)
                if !process.isRunning && !open { break }
            }
            usleep(extraMicroseconds)
            kill(process.processIdentifier, SIGKILL)
        }
        while open {
            open = readAvailable(timeoutMilliseconds: 1_000)
        }
        process.waitUntilExit()
        var run = HelperRun()
        run.killed = process.terminationReason == .uncaughtSignal
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.first == "ack", fields.count == 3, let index = Int(fields[1]), let id = Int(fields[2]) {
                run.acknowledged.append((index, id))
            } else if line == "done" {
                run.finished = true
            } else {
                run.errors.append(String(line))
            }
        }
        if !run.killed && !run.finished {
            run.errors.append("the helper exited with status \(process.terminationStatus)")
        }
        return run
    }

}
