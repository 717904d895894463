import Foundation
import IdentityReconciliation
import PostgresNIO
import Testing

@testable import PostgresContactStore

/// An identify's calls are prepared statements: parsed once per connection, then only
/// bound and executed, one each per round trip.
@Suite("Prepared statements", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct PreparedStatementTests {
    /// On a pool of one connection, `pg_prepared_statements` of that connection lists the
    /// read and apply calls under their names, each executed exactly once per identify that
    /// writes, and nothing else of the store's was executed prepared (identifies one after
    /// another are batches of one, which run these calls, not the batch statements).
    @Test func identifyRunsTwoPreparedCalls() async throws {
        try await TestDatabase.withClient(maximumConnections: 1) { client, scratch in
            let store = try await scratch.store(client)
            let resolver = IdentityResolver(store: store)
            let requests = 12
            for index in 0..<requests {
                let result = try await resolver.identify(email: "p\(index)@x.io", phoneNumber: "\(index)")
                #expect(result.outcome == .createdPrimary(contactID: index + 1))
            }
            // The pool's only connection, so the view shows the store's statements.
            let rows = try await client.query(
                "SELECT name, statement, (generic_plans + custom_plans)::int8 FROM pg_prepared_statements"
            ).collect()
            var executions: [String: Int] = [:]
            for row in rows {
                let (name, statement, count) = try row.decode((String, String, Int).self)
                executions[name] = count
                if name == store.calls.read.name { #expect(statement == store.calls.read.sql) }
            }
            #expect(executions[store.calls.read.name] == requests)
            #expect(executions[store.calls.apply.name] == requests)
            #expect(Set(executions.keys) == [store.calls.read.name, store.calls.apply.name])
        }
    }

    /// Two stores in different schemas on one client prepare different statements, so
    /// neither runs the other's SQL.
    @Test func statementNamesDifferPerSchema() {
        let first = StoreFunctions(layout: ContactTableLayout(schema: "a")).calls
        let second = StoreFunctions(layout: ContactTableLayout(schema: "b")).calls
        #expect(first.read.name != second.read.name)
        #expect(first.apply.name != second.apply.name)
        #expect(first.read.name.utf8.count < 64)
        #expect(first.read.sql.contains("\"a\".\"identity_read_v2\"($1::text, $2::text, $3::int8"))
    }
}
