import Foundation
import IdentityReconciliation
import Synchronization

/// `--drive`: the `orders` requests through ``IdentityResolver/identify(email:phoneNumber:)``
/// one after another, with no timing and no report, for counting instructions under valgrind
/// (see Documentation/Performance.md, Method).
///
/// The requests run in one detached task, so no call hops between executors on the way;
/// a run with `none` only generates the requests, whose count is subtracted from the
/// others'.
enum InstructionDriver {
    /// What the requests are identified against.
    enum Store: String, Sendable, CaseIterable {
        /// Nothing: the requests are only generated.
        case none
        /// An ``InMemoryContactStore``.
        case memory
        /// A new ``FileContactStore`` at `.deferred` durability in the benchmark's directory.
        case fileDeferred = "file-deferred"
    }

    /// `--drive file-deferred` found a store at its path: counts from a store that already
    /// holds rows would not be an identify's.
    struct StoreExists: Error, Equatable, CustomStringConvertible {
        var path: String
        var description: String { "--drive file-deferred needs a new store, and \(path) exists" }
    }

    /// Identifies `requests` `orders` requests (seed `seed`) against a new `store`, and
    /// returns the sum of the answers' primary ids (printed, so the work cannot be optimized
    /// away), or the number of requests for ``Store/none``.
    ///
    /// Synchronous: the calling thread waits on a semaphore for the task. Called from the
    /// program's start, before anything suspends, so the main thread blocks as in a plain
    /// program; valgrind 3.24 crashes (an internal SIGSEGV) when the main thread is left
    /// to an async main's dispatch loop.
    static func run(_ store: Store, requests: Int, seed: UInt64, directory: String) throws -> Int {
        let requests = Workload.make(.orders, requests: requests, seed: seed).requests
        let fileStore: FileContactStore?
        switch store {
        case .none: return requests.count
        case .memory: fileStore = nil
        case .fileDeferred:
            let path = directory + "/drive.store"
            guard !FileManager.default.fileExists(atPath: path) else {
                throw StoreExists(path: path)
            }
            fileStore = try FileContactStore(path: path, durability: .deferred)
        }
        let outcome = Mutex<Result<Int, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<Int, any Error>
            do {
                if let fileStore {
                    result = .success(try await drive(IdentityResolver(store: fileStore), requests))
                } else {
                    result = .success(try await drive(IdentityResolver(store: InMemoryContactStore()), requests))
                }
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    private static func drive(
        _ resolver: IdentityResolver<some ContactStore>, _ requests: [BenchmarkRequest]
    ) async throws -> Int {
        var total = 0
        for request in requests {
            let answer = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
            total &+= answer.contact.primaryContactID
        }
        return total
    }
}
