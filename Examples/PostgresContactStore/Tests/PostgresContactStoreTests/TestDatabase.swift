import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import PostgresNIO
import Synchronization
import Testing

/// The server the tests use: the one the `PG*` environment variables name.
///
/// Without them the suites that need a server are skipped (with the reason printed), so a
/// plain `swift test` passes on a machine without PostgreSQL; `scripts/postgres.sh` sets
/// `POSTGRES_TESTS_REQUIRED=1`, which turns a missing server into a failure.
enum TestDatabase {
    static let environment = ProcessInfo.processInfo.environment

    static var isConfigured: Bool { PostgresConnectionSettings.isConfigured(in: environment) }
    static var isRequired: Bool { environment["POSTGRES_TESTS_REQUIRED"] == "1" }
    /// Whether the suites that need a server run.
    static var shouldRun: Bool { isConfigured || isRequired }
    /// Whether the fault tests, which stop and restart the server, run (see `FaultTests`).
    static var runsFaultTests: Bool { shouldRun && environment["POSTGRES_FAULT_TESTS"] == "1" }
    static let skipReason: Comment =
        "no PostgreSQL server configured: set PGHOST/PGPORT/PGUSER/PGDATABASE or run scripts/postgres.sh"

    static func settings() throws -> PostgresConnectionSettings {
        guard isConfigured else {
            throw TestSetupError(message: "POSTGRES_TESTS_REQUIRED=1 but no PG* variable names a server")
        }
        return try PostgresConnectionSettings.environment(environment)
    }

    /// A schema name no other test uses.
    static func uniqueSchema() -> String {
        "irtest_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// Checks the invariants of `store`'s rows (see ``InvariantChecker``) and that its groups
    /// equal those of `requests` identified one after another in a new in-memory store.
    static func expectGroupsOfReplay(
        _ store: PostgresContactStore, _ requests: [(email: String?, phoneNumber: String?)]
    ) async throws {
        let rows = try await InvariantChecker.check(store: store)
        let replay = IdentityResolver(store: InMemoryContactStore(), clock: ManualClock(step: 1))
        for request in requests {
            _ = try await replay.identify(email: request.email, phoneNumber: request.phoneNumber)
        }
        let replayRows = try await InvariantChecker.check(store: replay.store)
        #expect(InvariantChecker.valueGroups(rows) == InvariantChecker.valueGroups(replayRows))
    }

    /// Runs `body` with a running client of at most `maximumConnections`; every schema
    /// registered in `scratch` is dropped afterwards.
    static func withClient<Result: Sendable>(
        maximumConnections: Int = 16, _ body: @Sendable (PostgresClient, ScratchSchemas) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(
            configuration: try settings().clientConfiguration(maximumConnections: maximumConnections))
        let scratch = ScratchSchemas()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(client, scratch)
                try await scratch.dropAll(client)
                return result
            } catch {
                try? await scratch.dropAll(client)
                throw error
            }
        }
    }

    /// Runs one SQL statement (no parameters) and returns nothing.
    static func execute(_ client: PostgresClient, _ sql: String) async throws {
        _ = try await client.query(PostgresQuery(unsafeSQL: sql)).collect()
    }
}

/// Schemas created by a test, dropped when it ends.
final class ScratchSchemas: Sendable {
    private let names = Mutex<[String]>([])

    /// A new schema name, remembered for dropping.
    func make() -> String {
        let name = TestDatabase.uniqueSchema()
        names.withLock { $0.append(name) }
        return name
    }

    /// A new, empty store in a new schema.
    ///
    /// The deadline is generous: CI machines are shared, and the concurrent scenarios queue
    /// 16 callers on one group. The fault tests set their own.
    func store(
        _ client: PostgresClient,
        options: PostgresContactStoreOptions = PostgresContactStoreOptions(timeout: .seconds(60))
    ) async throws -> PostgresContactStore {
        try await PostgresContactStore.open(client: client, schema: make(), options: options)
    }

    func dropAll(_ client: PostgresClient) async throws {
        for name in names.withLock({ $0 }) {
            try await TestDatabase.execute(client, "DROP SCHEMA IF EXISTS \"\(name)\" CASCADE")
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
