import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import PostgresContactStore
import PostgresNIO

/// **A benchmark reference, not a store:** the identify rules written once more, in
/// PL/pgSQL, and run as one prepared call of one server-side function from Swift through
/// PostgresNIO. It is what an identify on PostgreSQL costs when the server decides
/// everything in one round trip, so the store's figures can be read against it (issue 17
/// asks the store for at least half its rate).
///
/// It runs on a table the store's migration made (same columns, indexes and links table),
/// in its own schema. The rules are those of `ReconciliationRules.decide` and
/// `ReconciliationRules.consolidate` for live rows in flat groups (what identify alone
/// writes; no chains, no deleted rows): nothing matches → a new primary; one group
/// matches and a value is new → a new secondary dated no earlier than its primary; the
/// email matches one group and the phone number another → the group with the younger
/// primary by (`createdAt`, `id`) is relinked into the other, and the pair is recorded
/// as a link. `Tests/identity-benchmarkTests` checks on a random workload that it returns
/// what `PostgresContactStore` returns and leaves the same groups.
///
/// Concurrency: it takes transaction-scoped advisory locks on the request's values
/// (ascending), then on the groups it matched (named by their primaries' ids, ascending),
/// and reads again until the matched groups are all locked; every change to a group is
/// made holding its lock, and every new row holding its values' locks. Advisory locks, as
/// the store's, write no WAL (a `FOR UPDATE` row lock would, and would make every identify
/// wait for a WAL flush at commit). A deadlock (possible only when a group's primary
/// changed between the read and the lock) is retried.
struct PostgresReference: Sendable {
    let client: PostgresClient
    let schema: String
    let statement: Statement.Text

    /// The reference call as a prepared statement; its SQL names the schema, so the name
    /// and the SQL come from the instance through ``Statement/current``, bound around each
    /// call (PostgresNIO reads them from the type).
    struct Statement: PostgresPreparedStatement {
        struct Text: Sendable {
            var name: String
            var sql: String
        }

        @TaskLocal static var current = Text(name: "identity_reference_unset", sql: "")
        static var name: String { current.name }
        static var sql: String { current.sql }
        typealias Row = (String, Int, Int?, [String]?, [String]?, [Int]?)

        var email: String?
        var phoneNumber: String?

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(email)
            bindings.append(phoneNumber)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Installs the reference function in `store`'s schema (the store made the table).
    static func install(in schema: String, client: PostgresClient) async throws -> PostgresReference {
        let quotedSchema = "\"" + schema.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        _ = try await client.query(
            PostgresQuery(unsafeSQL: functionSQL(schema: quotedSchema)), logger: PostgresContactStore.silentLogger
        ).collect()
        let text = Statement.Text(
            name: "identity_reference_"
                + String(
                    schema.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) {
                        ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3
                    }, radix: 16),
            sql: "SELECT * FROM \(quotedSchema).identity_reference_v1($1::text, $2::text)")
        return PostgresReference(client: client, schema: schema, statement: text)
    }

    let policy = StandardNormalizationPolicy()

    /// One identify, normalized as the resolver's default policy does, in one call.
    ///
    /// - Throws: `InputError` for a refused value; PostgresNIO's errors (a deadlock is retried).
    func identify(email: String?, phoneNumber: String?) async throws -> Identification {
        let email = try email.flatMap { try policy.normalizeEmail($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let phoneNumber = try phoneNumber.flatMap { try policy.normalizePhoneNumber($0) }
            .flatMap { $0.isEmpty ? nil : $0 }
        guard email != nil || phoneNumber != nil else { throw InputError.missingEmailAndPhoneNumber }
        var attempts = 0
        while true {
            do {
                return try await Statement.$current.withValue(statement) {
                    try await call(Statement(email: email, phoneNumber: phoneNumber))
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempts < 10 {
                attempts += 1
            }
        }
    }

    private func call(_ statement: Statement) async throws -> Identification {
        let rows = try await client.execute(statement, logger: PostgresContactStore.silentLogger)
        var identification: Identification?
        // Every row is read, so the connection goes back to the pool.
        for try await (outcome, primaryID, changedID, emails, phones, secondaries) in rows {
            let contact = ConsolidatedContact(
                primaryContactID: primaryID, emails: emails ?? [], phoneNumbers: phones ?? [],
                secondaryContactIDs: secondaries ?? [])
            let kind: Identification.Outcome
            switch (outcome, changedID) {
            case ("createdPrimary", let id?): kind = .createdPrimary(contactID: id)
            case ("createdSecondary", let id?): kind = .createdSecondary(contactID: id)
            case ("merged", let id?): kind = .merged(primaryID: primaryID, demotedPrimaryID: id)
            default: kind = .unchanged
            }
            identification = Identification(contact: contact, outcome: kind)
        }
        if let identification { return identification }
        throw ReferenceError(message: "identity_reference_v1 returned no row")
    }

    /// Runs one random request stream (1,000 requests over 40 emails and 40 phone numbers,
    /// many merges; then 500 orders, formatted as clients send them) through a new
    /// `PostgresContactStore` and through a new reference, one request at a time, and
    /// compares every answer (consolidated contact and outcome), then the rows (id, values,
    /// `linkedId`, precedence) and the links each left.
    ///
    /// - Returns: `nil` when they agree, else the first difference.
    /// - Throws: ``TargetUnavailable`` without a server; the store's and the server's errors.
    static func compareWithStore(seed: UInt64) async throws -> String? {
        var random = SplitMix64(seed: seed)
        var requests = (0..<1_000).map { _ in
            let request = random.request(emails: 40, phones: 40)
            return BenchmarkRequest(email: request.email, phoneNumber: request.phoneNumber)
        }
        requests += Workload.make(.orders, requests: 500, seed: seed).requests
        let store = try await PostgresTarget.open()
        let reference: OpenedTarget
        do {
            reference = try await PostgresTarget.open(reference: true)
        } catch {
            _ = try? await store.finish()
            throw error
        }
        do {
            let difference = try await compare(requests, store: store, reference: reference)
            _ = try await store.finish()
            _ = try await reference.finish()
            return difference
        } catch {
            _ = try? await store.finish()
            _ = try? await reference.finish()
            throw error
        }
    }

    private static func compare(
        _ requests: [BenchmarkRequest], store: OpenedTarget, reference: OpenedTarget
    ) async throws -> String? {
        guard let call = reference.reference, let storeStore = store.store as? PostgresContactStore,
            let referenceStore = reference.store as? PostgresContactStore
        else { return "the postgres targets opened something else" }
        let resolver = IdentityResolver(store: storeStore)
        var outcomes: [String: Int] = [:]
        for (index, request) in requests.enumerated() {
            let expected = try await resolver.identify(email: request.email, phoneNumber: request.phoneNumber)
            let actual = try await call.identify(email: request.email, phoneNumber: request.phoneNumber)
            guard actual == expected else {
                return "request \(index) \(request): the store answered \(expected), the reference \(actual)"
            }
            outcomes["\(expected.outcome)".prefix { $0 != "(" }.description, default: 0] += 1
        }
        func rows(_ store: PostgresContactStore) async throws -> [String] {
            try await IdentityResolver(store: store).allContacts().map {
                "\($0.id) \($0.email ?? "-") \($0.phoneNumber ?? "-") \($0.linkedId.map(String.init) ?? "-") "
                    + $0.linkPrecedence.rawValue
            }
        }
        func links(_ store: PostgresContactStore) async throws -> Set<String> {
            Set(try await store.links(after: nil, limit: 1_000_000).map { "\($0.email) \($0.phoneNumber)" })
        }
        let (storeRows, referenceRows) = (try await rows(storeStore), try await rows(referenceStore))
        guard storeRows == referenceRows else {
            let first = zip(storeRows, referenceRows).first { $0 != $1 }
            return
                "the rows differ (\(storeRows.count) and \(referenceRows.count); first: \(String(describing: first)))"
        }
        guard try await links(storeStore) == links(referenceStore) else { return "the links differ" }
        guard outcomes.count == 4 else { return "expected every outcome in the workload, got \(outcomes)" }
        print(
            "     \(requests.count) requests, \(storeRows.count) rows, outcomes \(outcomes.sorted { $0.key < $1.key })")
        return nil
    }

    struct ReferenceError: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The function: lock, decide, write, consolidate; one statement, its own transaction.
    /// It runs with the settings of the store's functions (see the store's README,
    /// "Settings"): without them its plans, made while the table was nearly empty, would
    /// scan the table as it grew, and the store would be compared with a slowed reference.
    static func functionSQL(schema: String) -> String {
        let table = "\(schema).\"Contact\""
        let links = "\(schema).\"ContactLink\""
        return """
            CREATE OR REPLACE FUNCTION \(schema).identity_reference_v1(p_email text, p_phone text)
            RETURNS TABLE(outcome text, primary_id int8, changed_id int8, emails text[], phones text[],
                          secondary_ids int8[])
            LANGUAGE plpgsql VOLATILE
            SET enable_seqscan = off SET plan_cache_mode = force_generic_plan SET jit = off AS $fn$
            #variable_conflict use_column
            DECLARE
                k int8;
                locked int8[] := '{}';
                wanted int8[];
                email_group int8;
                phone_group int8;
                survivor int8;
                group_id int8;
                changed int8;
                result text := 'unchanged';
                now_ts timestamptz;
            BEGIN
                FOR k IN SELECT DISTINCT x FROM unnest(ARRAY[hashtextextended('email:' || p_email, 0),
                                                           hashtextextended('phone:' || p_phone, 0)]) AS x
                         WHERE x IS NOT NULL ORDER BY x LOOP
                    PERFORM pg_advisory_xact_lock(k);
                END LOOP;
                LOOP
                    SELECT array_agg(DISTINCT COALESCE(c."linkedId", c.id)::int8) INTO wanted FROM \(table) c
                    WHERE (c.email = p_email OR c."phoneNumber" = p_phone) AND c."deletedAt" IS NULL;
                    EXIT WHEN wanted IS NULL OR wanted <@ locked;
                    FOR k IN SELECT hashtextextended('group:' || g, 0) FROM unnest(wanted) AS g
                             WHERE NOT (g = ANY(locked)) ORDER BY 1 LOOP
                        PERFORM pg_advisory_xact_lock(k);
                    END LOOP;
                    locked := locked || wanted;
                END LOOP;
                now_ts := clock_timestamp();
                SELECT COALESCE(c."linkedId", c.id) INTO email_group FROM \(table) c
                WHERE c.email = p_email AND c."deletedAt" IS NULL LIMIT 1;
                SELECT COALESCE(c."linkedId", c.id) INTO phone_group FROM \(table) c
                WHERE c."phoneNumber" = p_phone AND c."deletedAt" IS NULL LIMIT 1;
                IF email_group IS NULL AND phone_group IS NULL THEN
                    INSERT INTO \(table) (email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                    VALUES (p_email, p_phone, NULL, 'primary', now_ts, now_ts) RETURNING id INTO changed;
                    group_id := changed;
                    result := 'createdPrimary';
                ELSIF email_group IS NOT NULL AND phone_group IS NOT NULL AND email_group <> phone_group THEN
                    SELECT c.id INTO survivor FROM \(table) c WHERE c.id IN (email_group, phone_group)
                    ORDER BY c."createdAt", c.id LIMIT 1;
                    changed := CASE WHEN survivor = email_group THEN phone_group ELSE email_group END;
                    UPDATE \(table) c SET "linkedId" = survivor, "linkPrecedence" = 'secondary', "updatedAt" = now_ts
                    WHERE (c.id = changed OR c."linkedId" = changed) AND c."deletedAt" IS NULL;
                    INSERT INTO \(links) (email, "phoneNumber", "createdAt") VALUES (p_email, p_phone, now_ts)
                    ON CONFLICT DO NOTHING;
                    group_id := survivor;
                    result := 'merged';
                ELSE
                    group_id := COALESCE(email_group, phone_group);
                    IF (p_email IS NOT NULL AND email_group IS NULL) OR (p_phone IS NOT NULL AND phone_group IS NULL) THEN
                        INSERT INTO \(table) (email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                        SELECT p_email, p_phone, group_id, 'secondary', GREATEST(now_ts, p."createdAt"),
                               GREATEST(now_ts, p."createdAt")
                        FROM \(table) p WHERE p.id = group_id
                        RETURNING id INTO changed;
                        result := 'createdSecondary';
                    END IF;
                END IF;
                RETURN QUERY
                WITH ordered AS (
                    SELECT c.id::int8 AS id, c.email::text AS email, c."phoneNumber"::text AS phone,
                           row_number() OVER (ORDER BY c.id <> group_id, c."createdAt", c.id) AS position
                    FROM \(table) c WHERE (c.id = group_id OR c."linkedId" = group_id) AND c."deletedAt" IS NULL
                )
                SELECT result, group_id, changed,
                    (SELECT array_agg(v.email ORDER BY v.first) FROM (
                        SELECT o.email, min(o.position) AS first FROM ordered o WHERE o.email IS NOT NULL GROUP BY o.email
                    ) v),
                    (SELECT array_agg(v.phone ORDER BY v.first) FROM (
                        SELECT o.phone, min(o.position) AS first FROM ordered o WHERE o.phone IS NOT NULL GROUP BY o.phone
                    ) v),
                    (SELECT array_agg(o.id ORDER BY o.position) FROM ordered o WHERE o.id <> group_id);
            END
            $fn$
            """
    }
}
