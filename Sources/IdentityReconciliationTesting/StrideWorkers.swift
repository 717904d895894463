import IdentityReconciliation

// Concurrent workers for the conformance check and the package's own tests: `package`, not
// part of the test kit's public API.

/// Runs `workers` tasks at once over the indices `0..<count`: worker `w` gets `w`,
/// `w + step`, `w + 2 step`, … in order, so the workers interleave through one shared
/// request list the way concurrent clients would.
///
/// - Parameters:
///   - step: The distance between a worker's indices; `workers` (every index once) by default.
///   - body: One worker: its number and its indices; what it returns is collected.
/// - Returns: The workers' results, in the order they finished.
/// - Throws: The first error a worker throws (the others are cancelled).
package func strideWorkers<Result: Sendable>(
    _ workers: Int, count: Int, step: Int? = nil,
    _ body: @escaping @Sendable (_ worker: Int, _ indices: StrideTo<Int>) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: Result.self) { group in
        for worker in 0..<workers {
            group.addTask { try await body(worker, stride(from: worker, to: count, by: step ?? workers)) }
        }
        var results: [Result] = []
        for try await result in group { results.append(result) }
        return results
    }
}

/// Identifies `requests` on one shared resolver with `workers` concurrent tasks (see
/// ``strideWorkers(_:count:step:_:)``), ignoring the results.
///
/// - Throws: The first error an identify throws.
package func identifyConcurrently<Store: ContactStore>(
    _ requests: [(email: String?, phoneNumber: String?)], workers: Int, on resolver: IdentityResolver<Store>
) async throws {
    _ = try await strideWorkers(workers, count: requests.count) { _, indices in
        for index in indices {
            _ = try await resolver.identify(email: requests[index].email, phoneNumber: requests[index].phoneNumber)
        }
    }
}
