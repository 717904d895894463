import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresNIO
import Testing

@testable import PostgresContactStore

@Suite("Existing tables", .enabled(if: TestDatabase.shouldRun, TestDatabase.skipReason))
struct ExistingTableTests {
    /// The table as Prisma creates it for the task: serial id, an enum, timestamp(3) without time zone.
    static func createPrismaTable(_ client: PostgresClient, schema: String) async throws {
        try await TestDatabase.execute(client, "CREATE SCHEMA \"\(schema)\"")
        try await TestDatabase.execute(
            client, "CREATE TYPE \"\(schema)\".\"LinkPrecedence\" AS ENUM ('primary', 'secondary')")
        try await TestDatabase.execute(
            client,
            """
            CREATE TABLE "\(schema)"."Contact" (
                "id" SERIAL NOT NULL,
                "phoneNumber" TEXT,
                "email" TEXT,
                "linkedId" INTEGER,
                "linkPrecedence" "\(schema)"."LinkPrecedence" NOT NULL,
                "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
                "updatedAt" TIMESTAMP(3) NOT NULL,
                "deletedAt" TIMESTAMP(3),
                CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
            )
            """)
    }

    /// Rows 1 and 23 are the official example; 30 ← 31 ← 32 is a chain (32 links to a
    /// secondary); 40 is deleted. The sequence is past the ids, as in a live database.
    static func seed(_ client: PostgresClient, schema: String) async throws {
        try await TestDatabase.execute(
            client,
            """
            INSERT INTO "\(schema)"."Contact"
                (id, email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt")
            VALUES
                (1, 'lorraine@hillvalley.edu', '123456', NULL, 'primary',
                 '2023-04-01 00:00:00.374', '2023-04-01 00:00:00.374', NULL),
                (23, 'mcfly@hillvalley.edu', '123456', 1, 'secondary',
                 '2023-04-20 05:30:00.11', '2023-04-20 05:30:00.11', NULL),
                (30, 'george@hillvalley.edu', '919191', NULL, 'primary',
                 '2023-04-11 00:00:00', '2023-04-11 00:00:00', NULL),
                (31, 'biffsucks@hillvalley.edu', '717171', 30, 'secondary',
                 '2023-04-21 05:30:00', '2023-04-28 06:00:00', NULL),
                (32, 'chained@x.io', '555', 31, 'secondary',
                 '2023-04-22 00:00:00', '2023-04-22 00:00:00', NULL),
                (40, 'gone@x.io', '999', NULL, 'primary',
                 '2023-04-02 00:00:00', '2023-04-02 00:00:00', '2023-05-01 00:00:00')
            """)
        try await TestDatabase.execute(
            client, "SELECT setval(pg_get_serial_sequence('\"\(schema)\".\"Contact\"', 'id'), 40)")
    }

    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return PostgresTimestamp.rounded(formatter.date(from: text)!)
    }

    @Test func prismaTableWithChainIsReadAndRepairedByAMerge() async throws {
        try await TestDatabase.withClient { client, scratch in
            let schema = scratch.make()
            try await Self.createPrismaTable(client, schema: schema)
            try await Self.seed(client, schema: schema)
            let store = try await PostgresContactStore.open(client: client, schema: schema, createIfMissing: false)
            #expect(store.layout.timestampPrecision == 3)
            #expect(store.layout.timestampsWithoutTimeZone == ["createdAt", "updatedAt", "deletedAt"])

            // Listing returns rows as stored, the chain included; the checker flags it.
            let stored = try await store.contacts(afterID: 0, limit: 100)
            #expect(stored.map(\.id) == [1, 23, 30, 31, 32, 40])
            #expect(stored[0].createdAt == Self.utc("2023-04-01T00:00:00.374Z"))
            #expect(stored[1].createdAt == Self.utc("2023-04-20T05:30:00.110Z"))
            #expect(stored[4].linkedId == 31 && stored[4].linkPrecedence == .secondary)
            #expect(stored[5].deletedAt == Self.utc("2023-05-01T00:00:00.000Z"))
            let violations = ContactInvariants.violations(in: stored)
            #expect(violations.contains { $0.kind == .brokenLink && $0.contactID == 32 })
            #expect(Set(violations.map(\.contactID)).isSubset(of: [31, 32]), "\(violations)")

            // Lookups follow the chain to its oldest ancestor.
            let resolver = IdentityResolver(
                store: store, clock: ManualClock(start: Date(timeIntervalSince1970: 1_700_000_000.123_456), step: 1))
            let george = ConsolidatedContact(
                primaryContactID: 30, emails: ["george@hillvalley.edu", "biffsucks@hillvalley.edu", "chained@x.io"],
                phoneNumbers: ["919191", "717171", "555"], secondaryContactIDs: [31, 32])
            #expect(try await resolver.contact(email: "chained@x.io") == george)
            #expect(try await resolver.contact(id: 32) == george)
            #expect(try await resolver.contact(phoneNumber: "919191") == george)
            #expect(try await resolver.contact(email: "gone@x.io") == nil)
            #expect(try await resolver.contact(id: 40) == nil)

            let lorraine = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
            #expect(lorraine.outcome == .unchanged)
            #expect(lorraine.contact.secondaryContactIDs == [23])
            // Nothing new in the chained group either: no row is written for a chain.
            let known = try await resolver.identify(email: "chained@x.io", phoneNumber: "717171")
            #expect(known.outcome == .unchanged)
            #expect(try await store.contacts(afterID: 0, limit: 100) == stored)

            // A merge demotes the whole chained tree and links every row of it directly.
            let merged = try await resolver.identify(email: "chained@x.io", phoneNumber: "123456")
            #expect(merged.outcome == .merged(primaryID: 1, demotedPrimaryID: 30))
            #expect(merged.contact.secondaryContactIDs == [30, 23, 31, 32])
            let repaired = try await store.contacts(afterID: 0, limit: 100)
            try InvariantChecker.check(repaired)
            #expect(repaired.filter { [30, 31, 32].contains($0.id) }.allSatisfy { $0.linkedId == 1 })
            // The table recorded no links for its own merges: by its evidence the group is
            // still several people (see groupsWithoutLinksAreSplitUnlessTheRepairAddsThem).
            let evidence = ContactInvariants.violations(
                in: repaired, links: try await store.links(after: nil, limit: 100))
            #expect(evidence.map(\.contactID) == [1], "\(evidence)")

            // New rows continue the existing sequence, with timestamps at the column's precision.
            let fresh = try await resolver.identify(email: "doc@hillvalley.edu", phoneNumber: nil)
            #expect(fresh.outcome == .createdPrimary(contactID: 41))
            let row = try #require(try await store.contacts(afterID: 40, limit: 1).first)
            #expect(row.createdAt == Self.utc("2023-11-14T22:13:23.123Z"))
            #expect(try await store.group(containingContactID: 41) == [row])

            // The rows a transaction reports are the rows later reads return.
            let plan = ContactPlan([
                .insert(
                    email: "marty@hillvalley.edu", phoneNumber: nil, linkedId: nil,
                    createdAt: Date(timeIntervalSince1970: 1_700_000_100.987_654))
            ])
            let commit = try await store.commit(reading: .matching(email: "marty@hillvalley.edu", phoneNumber: nil)) {
                _ in plan
            }
            let martyID = try #require(commit.insertedIDs.first)
            #expect(commit.rows == (try await store.group(containingContactID: martyID)))
            #expect(commit.rows.first?.createdAt == Self.utc("2023-11-14T22:15:00.988Z"))

            // Link evidence goes to the "ContactLink" table the store added beside the existing table.
            let link = ContactLink(
                email: "marty@hillvalley.edu", phoneNumber: "4242",
                createdAt: Date(timeIntervalSince1970: 1_700_000_200))
            let selection = ContactSelection.matching(email: "marty@hillvalley.edu", phoneNumber: "4242")
            _ = try await store.commit(reading: selection) { _ in
                ContactPlan([.insert(email: nil, phoneNumber: "4242", linkedId: martyID, createdAt: link.createdAt)])
            }
            _ = try await store.commit(reading: selection) { _ in ContactPlan([.addLink(link)]) }
            #expect(try await store.read(.holding(phoneNumber: "4242")).links == [link])
        }
    }

    /// A Bitespeed table records no links: a group its merges joined (rows sharing no value)
    /// is split by a later correction, unless the table is re-imported through the repair,
    /// which synthesizes the links.
    @Test func groupsWithoutLinksAreSplitUnlessTheRepairAddsThem() async throws {
        try await TestDatabase.withClient { client, scratch in
            let schema = scratch.make()
            try await Self.createPrismaTable(client, schema: schema)
            // 2 was merged into 1 (no shared value); 3 shares 1's phone number.
            try await TestDatabase.execute(
                client,
                """
                INSERT INTO "\(schema)"."Contact" (id, email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                VALUES (1, 'a@x.io', '111', NULL, 'primary', '2023-01-01', '2023-01-01'),
                       (2, 'b@x.io', '222', 1, 'secondary', '2023-01-02', '2023-01-03'),
                       (3, 'c@x.io', '111', 1, 'secondary', '2023-01-04', '2023-01-04')
                """)
            let existing = try await PostgresContactStore.open(client: client, schema: schema, createIfMissing: false)
            let rows = try await existing.contacts(afterID: 0, limit: 10)

            let split = try await IdentityResolver(store: existing).forget(email: "c@x.io")
            #expect(split.contacts.map(\.primaryContactID) == [1, 2])

            let repaired = try await scratch.store(client)
            let report = try await IdentityResolver(store: repaired).importContacts(repairing: rows)
            #expect(report.synthesizedLinkCount == 1)
            #expect(
                try await repaired.links(after: nil, limit: 10)
                    == [ContactLink(email: "a@x.io", phoneNumber: "222", createdAt: rows[1].createdAt)])
            let kept = try await IdentityResolver(store: repaired).forget(email: "c@x.io")
            #expect(kept.contacts.map(\.primaryContactID) == [1])
            #expect(kept.contacts.first?.secondaryContactIDs == [2, 3])
        }
    }

    /// Rows inserted with explicit ids leave a serial sequence behind; opening moves it past them.
    @Test func sequenceBehindTheRowsIsMovedPastThem() async throws {
        try await TestDatabase.withClient { client, scratch in
            let schema = scratch.make()
            try await Self.createPrismaTable(client, schema: schema)
            try await TestDatabase.execute(
                client,
                """
                INSERT INTO "\(schema)"."Contact" (id, email, "linkPrecedence", "createdAt", "updatedAt")
                VALUES (7, 'a@x.io', 'primary', '2023-01-01', '2023-01-01')
                """)
            let store = try await PostgresContactStore.open(client: client, schema: schema, createIfMissing: false)
            let result = try await IdentityResolver(store: store).identify(email: "b@x.io", phoneNumber: nil)
            #expect(result.outcome == .createdPrimary(contactID: 8))
        }
    }

    @Test func incompatibleTablesAreRefusedWithTheColumnNamed() async throws {
        try await TestDatabase.withClient { client, scratch in
            let cases: [(definition: String, column: String?)] = [
                (
                    """
                    id serial PRIMARY KEY, email integer, "phoneNumber" text, "linkedId" int,
                    "linkPrecedence" text NOT NULL, "createdAt" timestamptz NOT NULL,
                    "updatedAt" timestamptz NOT NULL, "deletedAt" timestamptz
                    """, "email"
                ),
                (
                    """
                    id serial PRIMARY KEY, email text, "phoneNumber" text, "linkedId" int,
                    "linkPrecedence" text NOT NULL, "createdAt" timestamptz NOT NULL,
                    "updatedAt" timestamptz NOT NULL
                    """, "deletedAt"
                ),
                (
                    """
                    id int PRIMARY KEY, email text, "phoneNumber" text, "linkedId" int,
                    "linkPrecedence" text NOT NULL, "createdAt" timestamptz NOT NULL,
                    "updatedAt" timestamptz NOT NULL, "deletedAt" timestamptz
                    """, "id"
                ),
                (
                    """
                    id serial PRIMARY KEY, email text, "phoneNumber" text, "linkedId" int,
                    "linkPrecedence" text NOT NULL, "createdAt" timestamptz NOT NULL,
                    "updatedAt" timestamptz NOT NULL, "deletedAt" timestamptz, "tenant" int NOT NULL
                    """, "tenant"
                ),
            ]
            for (definition, column) in cases {
                let schema = scratch.make()
                try await TestDatabase.execute(client, "CREATE SCHEMA \"\(schema)\"")
                try await TestDatabase.execute(client, "CREATE TABLE \"\(schema)\".\"Contact\" (\(definition))")
                do {
                    _ = try await PostgresContactStore.open(client: client, schema: schema)
                    Issue.record("accepted an incompatible table: \(definition)")
                } catch let error as PostgresContactStoreError {
                    guard case .incompatibleSchema(_, let named, _) = error else {
                        Issue.record("wrong error: \(error)")
                        continue
                    }
                    #expect(named == column, "\(error)")
                }
            }
            let missing = scratch.make()
            await #expect(throws: PostgresContactStoreError.self) {
                _ = try await PostgresContactStore.open(client: client, schema: missing, createIfMissing: false)
            }
        }
    }

    @Test func openingTwiceAcceptsTheTableItCreated() async throws {
        try await TestDatabase.withClient { client, scratch in
            let store = try await scratch.store(client)
            let resolver = IdentityResolver(store: store)
            _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
            let again = try await PostgresContactStore.open(
                client: client, schema: store.schema, createIfMissing: false)
            #expect(try await again.contacts(afterID: 0, limit: 10).count == 1)
            let indexes = try await client.query(
                "SELECT count(*)::int8 FROM pg_indexes WHERE schemaname = \(store.schema) AND tablename = 'Contact'"
            ).collect().first?.decode(Int.self)
            #expect(indexes == 4, "primary key + email, phoneNumber, linkedId")
        }
    }
}
