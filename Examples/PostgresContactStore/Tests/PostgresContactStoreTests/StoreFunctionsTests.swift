import IdentityReconciliation
import PostgresNIO
import Testing

@testable import PostgresContactStore

/// The migration installs this version's functions with their settings, restores them when
/// they differ, and leaves functions of other versions alone.
@Suite("Store functions", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct StoreFunctionsTests {
    /// A function whose settings were reset (or changed by hand) gets them back at the next open.
    @Test func openingRestoresTheSettings() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let function = store.functions.name("read")
            try await TestDatabase.execute(
                client, "ALTER FUNCTION \(function)(\(StoreFunctions.selectionParameters)) RESET ALL")
            #expect(try await Self.settings(client, store.schema)["identity_read_v\(StoreFunctions.version)"] == [])
            _ = try await PostgresContactStore.open(client: client, schema: store.schema)
            let settings = try await Self.settings(client, store.schema)
            #expect(settings.count == 3)
            for (name, configuration) in settings {
                #expect(configuration == StoreFunctions.configuration, "\(name)")
            }
        }
    }

    /// Functions of an earlier version, which processes of that version may still call
    /// during a rolling deploy, are neither changed nor dropped.
    @Test func earlierVersionsAreLeftAlone() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let earlier = ContactTableLayout.quoted(store.schema) + ".identity_read_v1"
            try await TestDatabase.execute(
                client, "CREATE FUNCTION \(earlier)() RETURNS int LANGUAGE sql AS 'SELECT 1'")
            _ = try await PostgresContactStore.open(client: client, schema: store.schema)
            let rows = try await client.query(
                PostgresQuery(unsafeSQL: "SELECT \(earlier)()")
            ).collect()
            #expect(try rows.first?.decode(Int.self) == 1)
            #expect(try await Self.settings(client, store.schema)["identity_read_v1"] == [])
        }
    }

    /// A read that selects nothing is not sent; the fingerprint the store uses for it is the
    /// one the server's read computes for no rows.
    @Test func theEmptySelectionsFingerprintIsTheServers() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let read = store.functions.name("read")
            let rows = try await client.query(
                PostgresQuery(unsafeSQL: "SELECT email FROM \(read)(NULL, NULL, NULL, false, false) WHERE kind = 3")
            ).collect()
            #expect(try rows.map { try $0.decode(String.self) } == [StoreFunctions.emptySelectionFingerprint])
        }
    }

    /// `proconfig` of every `identity_…` function of `schema`, by name.
    static func settings(_ client: PostgresClient, _ schema: String) async throws -> [String: [String]] {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT p.proname::text, COALESCE(p.proconfig, '{}')::text[] FROM pg_proc p
                    WHERE p.pronamespace = to_regnamespace('\(ContactTableLayout.quoted(schema))')::oid
                      AND p.proname LIKE 'identity\\_%'
                    """)
        ).collect()
        var settings: [String: [String]] = [:]
        for row in rows {
            let (name, configuration) = try row.decode((String, [String]).self)
            settings[name] = configuration
        }
        return settings
    }
}
