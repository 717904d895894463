import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import PostgresNIO
import Testing

@Suite("Erasure", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct ErasureTests {
    /// The issue's example, then an erasure: the values leave both tables at once; their old
    /// row versions are in the files until `vacuum(full: true)` rewrites them.
    @Test func forgottenAndErasedValuesLeaveTheTablesAndTheFiles() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
            _ = try await resolver.identify(email: "a@erase.io", phoneNumber: "5550000")
            _ = try await resolver.identify(email: "b@erase.io", phoneNumber: "5550000")
            _ = try await resolver.identify(email: "c@erase.io", phoneNumber: "5550555")
            _ = try await resolver.identify(email: "c@erase.io", phoneNumber: "5550000")
            #expect(try await store.links(after: nil, limit: 10).map(\.email) == ["c@erase.io"])

            let forgotten = try await resolver.forget(phoneNumber: "5550000")
            #expect(forgotten.contacts.map(\.primaryContactID) == [1, 2, 3])
            let erased = try await resolver.erase(contactID: 3)
            #expect(erased.contacts.isEmpty)
            #expect(try await store.links(after: nil, limit: 10).isEmpty)
            let gone = ["5550000", "c@erase.io", "5550555"]
            let holders = try await client.query(
                """
                SELECT (SELECT count(*) FROM \(unescaped: Self.table(store, "Contact"))
                        WHERE email = ANY(\(gone)) OR "phoneNumber" = ANY(\(gone)))
                     + (SELECT count(*) FROM \(unescaped: Self.table(store, "ContactLink"))
                        WHERE email = ANY(\(gone)) OR "phoneNumber" = ANY(\(gone)))
                """
            ).collect().first?.decode(Int.self)
            #expect(holders == 0)

            // The files themselves can be read by a superuser only.
            let superuser = try await Self.isSuperuser(client)
            if superuser {
                #expect(try await Self.filesHold(gone, store, client) == gone, "the old row versions are on disk")
            }
            // VACUUM fails inside a transaction block, so running proves it ran outside one.
            try await store.vacuum()
            guard superuser else { return }
            // A transaction of another test may still see the old versions: then they stay.
            var held = gone
            for _ in 0..<100 where !held.isEmpty {
                try await store.vacuum(full: true)
                held = try await Self.filesHold(gone, store, client)
                if !held.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(held.isEmpty, "after VACUUM FULL the files still hold \(held)")
            #expect(try await Self.filesHold(["a@erase.io", "b@erase.io"], store, client).count == 2)
        }
    }

    static func table(_ store: PostgresContactStore, _ name: String) -> String {
        "\"\(store.schema)\".\"\(name)\""
    }

    static func isSuperuser(_ client: PostgresClient) async throws -> Bool {
        try await client.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").collect().first?.decode(
            Bool.self) ?? false
    }

    /// Which of `values` the files of both tables and their indexes hold, after a checkpoint
    /// wrote every page to them.
    static func filesHold(
        _ values: [String], _ store: PostgresContactStore, _ client: PostgresClient
    ) async throws
        -> [String]
    {
        _ = try await client.query("CHECKPOINT").collect()
        var held: [String] = []
        for value in values {
            let found = try await client.query(
                """
                SELECT bool_or(position(convert_to(\(value), 'UTF8') IN pg_read_binary_file(pg_relation_filepath(r.oid))) > 0)
                FROM pg_class r
                WHERE r.oid IN (\(Self.table(store, "Contact"))::regclass, \(Self.table(store, "ContactLink"))::regclass)
                   OR r.oid IN (SELECT indexrelid FROM pg_index
                                WHERE indrelid IN (\(Self.table(store, "Contact"))::regclass,
                                                   \(Self.table(store, "ContactLink"))::regclass))
                """
            ).collect().first?.decode(Bool.self)
            if found == true { held.append(value) }
        }
        return held
    }
}
