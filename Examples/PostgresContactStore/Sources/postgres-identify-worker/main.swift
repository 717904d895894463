// A child process for the cross-process test and for measuring throughput.
//
// Identifies its share of a seeded request sequence against the server named by the PG*
// environment variables:
//
//   postgres-identify-worker --schema S --seed 7 --requests 2000 --emails 40 --phones 40 \
//       --worker 0 --workers 3 --tasks 8 [--timeout 5]
//
// Worker `w` of `n` takes requests w, w + n, w + 2n, … of the sequence that
// `SplitMix64(seed: seed).request(emails:phones:)` generates, and runs them from `tasks`
// concurrent tasks. It prints `identified <count> in <seconds> s (<rate>/s)` and exits 0,
// or prints the error to standard error and exits 1.
import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore

struct Options {
    var schema = "public"
    var seed: UInt64 = 1
    var requests = 1_000
    var emails = 40
    var phones = 40
    var worker = 0
    var workers = 1
    var tasks = 8
    /// The store's deadline per call, in seconds.
    var timeout = 5

    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw UsageError(message: "\(flag) needs a value") }
            func number() throws -> Int {
                guard let number = Int(value), number >= 0 else {
                    throw UsageError(message: "\(flag) needs a non-negative integer")
                }
                return number
            }
            switch flag {
            case "--schema": schema = value
            case "--seed": seed = UInt64(try number())
            case "--requests": requests = try number()
            case "--emails": emails = max(1, try number())
            case "--phones": phones = max(1, try number())
            case "--worker": worker = try number()
            case "--workers": workers = max(1, try number())
            case "--tasks": tasks = max(1, try number())
            case "--timeout": timeout = max(1, try number())
            default: throw UsageError(message: "unknown option \(flag)")
            }
        }
    }
}

struct UsageError: Error, Equatable, CustomStringConvertible {
    var message: String
    var description: String { "usage: \(message)" }
}

do {
    let options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    var random = SplitMix64(seed: options.seed)
    let all = (0..<options.requests).map { _ in random.request(emails: options.emails, phones: options.phones) }
    let mine = stride(from: options.worker, to: all.count, by: options.workers).map { all[$0] }
    let settings = try PostgresConnectionSettings.environment()
    let elapsed = try await PostgresContactStore.withStore(
        settings: settings, schema: options.schema,
        maximumConnections: max(2, options.tasks),
        options: PostgresContactStoreOptions(timeout: .seconds(options.timeout))
    ) { store in
        let resolver = IdentityResolver(store: store)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<options.tasks {
                group.addTask {
                    for index in stride(from: task, to: mine.count, by: options.tasks) {
                        _ = try await resolver.identify(email: mine[index].email, phoneNumber: mine[index].phoneNumber)
                    }
                }
            }
            try await group.waitForAll()
        }
        return start.duration(to: .now)
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("identified \(mine.count) in \(String(format: "%.3f", seconds)) s (\(Int(Double(mine.count) / seconds))/s)")
} catch {
    FileHandle.standardError.write(Data("postgres-identify-worker: \(error)\n".utf8))
    exit(1)
}
