/// The server-side functions the store installs beside its table (migration version 2),
/// generated for the table's layout.
///
/// They lock, read and write; they decide nothing. The rules run in Swift, between the two
/// calls of a transaction:
/// - `identity_select_v2(email, phone, contact_id, deleted, links)`: what a
///   `ContactSelection` selects, one row per contact or link (kind 0 live, 1 deleted,
///   2 link). A single `SELECT` whose every step is an index lookup (`LATERAL … OFFSET 0`
///   keeps the planner from hashing whole tables), so its cost does not grow with the table;
///   a smaller one, of the groups alone, when the selection asks for no deleted rows and no
///   links (every identify).
/// - `identity_read_v2(…)`: the same rows plus a fingerprint (kind 3, an MD5 of the rows).
/// - `identity_apply_v2(…, fingerprint, keys, plan…)`: takes the advisory locks `keys` in
///   ascending order (the import barrier shared), reads the selection again, and, when its
///   fingerprint is still the one the plan was decided on, writes the plan and returns the
///   inserted ids (kind 4); otherwise it writes nothing and returns the fresh rows and
///   fingerprint, for the plan to be decided again.
///
/// Each function runs with ``settings``, so it looks rows up by index whatever the table's
/// statistics and the session's settings say.
///
/// The names carry the version: a later version installs new functions beside these and
/// never changes or drops them, so processes of both versions can run against one
/// database during a rolling deploy (they take the same lock keys, see `AdvisoryLockKey`).
/// Version 1 (the same calls, without ``settings`` and the smaller selection) is left in
/// place where it was installed.
struct StoreFunctions: Sendable, Hashable {
    /// The version of the functions and of the migration that installs them.
    static let version = 2

    let layout: ContactTableLayout

    /// A function of the store's schema, quoted and qualified.
    func name(_ base: String) -> String {
        ContactTableLayout.quoted(layout.schema) + "." + ContactTableLayout.quoted("identity_\(base)_v\(Self.version)")
    }

    /// The calls of an identify's path, each one prepared statement (see ``PreparedCall``).
    struct Calls: Sendable, Hashable {
        let select: PreparedCall.Statement
        let read: PreparedCall.Statement
        let apply: PreparedCall.Statement
        /// Many identifies' reads in one statement (see ``readManySQL``).
        let readMany: PreparedCall.Statement
        /// Many identifies' writes in one statement (see ``applyManySQL``).
        let applyMany: PreparedCall.Statement
    }

    /// `SELECT * FROM` each function, its parameters cast to the function's types, so a
    /// statement prepared with a `NULL` argument (whose type PostgresNIO leaves open)
    /// still takes the types later calls bind.
    var calls: Calls {
        func call(_ base: String, _ types: [String]) -> PreparedCall.Statement {
            let arguments = types.enumerated().map { "$\($0.offset + 1)::\($0.element)" }.joined(separator: ", ")
            return PreparedCall.Statement(base: base, sql: "SELECT * FROM \(name(base))(\(arguments))")
        }
        let selection = ["text", "text", "int8", "bool", "bool"]
        let plan = [
            "text", "int8[]",
            "int8[]", "text[]", "text[]", "int8[]", "text[]", "timestamptz[]", "timestamptz[]",
            "text[]", "text[]", "timestamptz[]",
            "text[]", "text[]", "timestamptz[]",
            "text[]", "text[]", "int8[]", "text[]", "timestamptz[]",
        ]
        return Calls(
            select: call("select", selection), read: call("read", selection), apply: call("apply", selection + plan),
            readMany: PreparedCall.Statement(base: "read_many", sql: readManySQL),
            applyMany: PreparedCall.Statement(base: "apply_many", sql: applyManySQL))
    }

    /// The reads of many identifies (`$1` emails, `$2` phone numbers, one per identify): each
    /// one `identity_read` of its values, its rows led by its position in the arrays
    /// (1-based). One statement, its own transaction: every read sees one snapshot.
    var readManySQL: String {
        """
        SELECT m.i::int8, r.* FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS m(email, phone, i)
        CROSS JOIN LATERAL \(name("read"))(m.email, m.phone, NULL::int8, false, false) AS r
        """
    }

    /// The writes of many identifies in one statement, one transaction: takes the advisory
    /// locks of all of them (`$1`) in ascending order, as `identity_apply` does, then runs
    /// `identity_apply` for each identify in the order of the arrays, with no keys of its own
    /// (they are held) and its slices of the plan arrays. Each call sees the writes of the
    /// calls before it, so an identify whose selection an earlier one changed finds its
    /// fingerprint changed and writes nothing, as it would in a transaction of its own.
    ///
    /// `$2`–`$4`: each identify's email, phone number and fingerprint; `$5`–`$12`: the first
    /// and last positions (1-based, inclusive) of its updated rows, removed links, added links
    /// and inserted rows in the arrays `$13`–`$30`, laid out as `identity_apply`'s. Rows are
    /// led by the identify's position.
    var applyManySQL: String {
        let slices = [
            ("u", ["int8", "text", "text", "int8", "text", "timestamptz", "timestamptz"]),
            ("r", ["text", "text", "timestamptz"]), ("a", ["text", "text", "timestamptz"]),
            ("i", ["text", "text", "int8", "text", "timestamptz"]),
        ]
        var parameter = 12
        var arguments: [String] = []
        for (prefix, types) in slices {
            for type in types {
                parameter += 1
                arguments.append("($\(parameter)::\(type)[])[m.\(prefix)_from:m.\(prefix)_to]")
            }
        }
        return """
            WITH keys AS MATERIALIZED (
                SELECT CASE WHEN k = \(AdvisoryLockKey.importBarrier) THEN pg_advisory_xact_lock_shared(k)
                            ELSE pg_advisory_xact_lock(k) END
                FROM (SELECT DISTINCT k FROM unnest($1::int8[]) AS k ORDER BY k) AS sorted
            ), locked AS MATERIALIZED (SELECT count(*) AS n FROM keys)
            SELECT m.i::int8, r.*
            FROM locked CROSS JOIN unnest($2::text[], $3::text[], $4::text[], $5::int4[], $6::int4[], $7::int4[],
                                          $8::int4[], $9::int4[], $10::int4[], $11::int4[], $12::int4[])
                 WITH ORDINALITY AS m(email, phone, fingerprint, u_from, u_to, r_from, r_to, a_from, a_to, i_from,
                                      i_to, i)
            CROSS JOIN LATERAL \(name("apply"))(m.email, m.phone, NULL::int8, false, false, m.fingerprint,
                -- The locks are held once locked is read: no call runs before them.
                CASE WHEN locked.n >= 0 THEN '{}'::int8[] END,
                \(arguments.joined(separator: ",\n    "))) AS r
            """
    }

    /// The row type every function returns.
    static let rowType = """
        TABLE(kind int, id int8, email text, phone text, linked int8, precedence text,
              created timestamptz, updated timestamptz, deleted timestamptz)
        """

    /// The settings every function runs with (the `SET` clauses of its definition).
    ///
    /// PL/pgSQL keeps a statement's plan for the session, and the planner picks sequential
    /// scans for a table its statistics call small: plans made while a new table was empty
    /// kept scanning it whole at every step of the walk as it grew (server time per identify
    /// tripled in the benchmark's first 20,000 requests). Without sequential scans every
    /// step is an index lookup whatever the statistics say; a generic plan from the first
    /// call spares the five custom plans (each a full planning of the walk) a session would
    /// otherwise make, and any later fallback to them; and no JIT compilation, which a
    /// plan's cost estimate could otherwise trigger on every call.
    static let settings = [("enable_seqscan", "off"), ("plan_cache_mode", "force_generic_plan"), ("jit", "off")]

    /// ``settings`` as `pg_proc.proconfig` lists them, which the migration compares.
    static let configuration = settings.map { "\($0.0)=\($0.1)" }

    /// The selection parameters every function starts with.
    static let selectionParameters = "p_email text, p_phone text, p_id int8, p_deleted bool, p_links bool"

    /// `(name, body, CREATE statement)` of each function, in the order they must be created.
    var definitions: [(name: String, body: String, create: String)] {
        let select = selectBody
        let settings = Self.settings.map { "SET \($0.0) = \($0.1)" }.joined(separator: " ")
        let read = Self.plpgsql("RETURN QUERY\(readBody);")
        let apply = applyBody
        return [
            (
                "identity_select_v\(Self.version)", select,
                """
                CREATE OR REPLACE FUNCTION \(name("select"))(\(Self.selectionParameters))
                RETURNS \(Self.rowType) LANGUAGE plpgsql STABLE \(settings) AS $fn$\(select)$fn$
                """
            ),
            (
                "identity_read_v\(Self.version)", read,
                """
                CREATE OR REPLACE FUNCTION \(name("read"))(\(Self.selectionParameters))
                RETURNS \(Self.rowType) LANGUAGE plpgsql STABLE \(settings) AS $fn$\(read)$fn$
                """
            ),
            (
                "identity_apply_v\(Self.version)", apply,
                """
                CREATE OR REPLACE FUNCTION \(name("apply"))(\(Self.selectionParameters), p_fingerprint text, p_keys int8[],
                    u_id int8[], u_email text[], u_phone text[], u_linked int8[], u_precedence text[],
                    u_updated timestamptz[], u_deleted timestamptz[],
                    r_email text[], r_phone text[], r_created timestamptz[],
                    a_email text[], a_phone text[], a_created timestamptz[],
                    i_email text[], i_phone text[], i_linked int8[], i_precedence text[], i_created timestamptz[])
                RETURNS \(Self.rowType) LANGUAGE plpgsql VOLATILE \(settings) AS $fn$\(apply)$fn$
                """
            ),
        ]
    }

    /// A PL/pgSQL body running `statements` (which return the function's rows), with the
    /// table's columns taking precedence over the output parameters of the same names.
    /// PL/pgSQL keeps each statement's plan for the session (an SQL function is planned
    /// again on every call), so the hot statements are prepared on the server.
    static func plpgsql(_ statements: String) -> String {
        "\n#variable_conflict use_column\nBEGIN\n\(statements)\nEND\n"
    }

    /// The selection (see `ContactSelection`): live rows of each group flattened under its
    /// root (linked = the root, see Chains on `PostgresContactStore`), deleted rows as
    /// stored, links. A chain longer than 32 is cut off.
    ///
    /// PL/pgSQL plans each branch on its first use, so a session that only identifies never
    /// starts the larger statement.
    var selectBody: String {
        Self.plpgsql(
            """
            IF p_deleted OR p_links THEN
            RETURN QUERY
            \(selectionQuery);
            ELSE
            RETURN QUERY
            \(groupsQuery);
            END IF;
            """)
    }

    /// The whole selection: the groups' live rows (kind 0), deleted rows (1) and links (2).
    var selectionQuery: String {
        let table = layout.qualifiedName
        let links = layout.linksQualifiedName
        func deletedBy(_ condition: String) -> String {
            "SELECT d.id::int8 FROM \(table) d WHERE p_deleted AND \(condition) AND d.\"deletedAt\" IS NOT NULL"
        }
        func deletedNear(_ condition: String) -> String {
            """
            SELECT d.id FROM live CROSS JOIN LATERAL (
                    SELECT d.id::int8 AS id FROM \(table) d WHERE \(condition) AND d."deletedAt" IS NOT NULL OFFSET 0) d
                WHERE p_deleted
            """
        }
        return walk + """
            ), deletedIDs(id) AS (
                \(deletedBy("d.email = p_email"))
              UNION \(deletedBy("d.\"phoneNumber\" = p_phone"))
              UNION \(deletedBy("d.id = p_id"))
              UNION \(deletedNear("d.email = live.email"))
              UNION \(deletedNear("d.\"phoneNumber\" = live.phone"))
              UNION \(deletedNear("d.\"linkedId\" = live.id"))
            ), deletedRows AS (
                SELECT c.* FROM deletedIDs CROSS JOIN LATERAL (
                    SELECT \(columns("c")), c."linkedId"::int8 AS linked, c."linkPrecedence"::text AS precedence,
                           \(layout.read("deletedAt", of: "c")) AS deleted
                    FROM \(table) c WHERE c.id = deletedIDs.id OFFSET 0) c
            ), linkEmails(email) AS (
                SELECT email FROM live WHERE p_links AND email IS NOT NULL
              UNION SELECT p_email WHERE p_links AND p_email IS NOT NULL
            ), linkPhones(phone) AS (
                SELECT phone FROM live WHERE p_links AND phone IS NOT NULL
              UNION SELECT p_phone WHERE p_links AND p_phone IS NOT NULL
            ), links AS (
                SELECT l.* FROM linkEmails v CROSS JOIN LATERAL (
                    SELECT l.email, l."phoneNumber", l."createdAt" FROM \(links) l WHERE l.email = v.email OFFSET 0) l
              UNION
                SELECT l.* FROM linkPhones v CROSS JOIN LATERAL (
                    SELECT l.email, l."phoneNumber", l."createdAt" FROM \(links) l WHERE l."phoneNumber" = v.phone OFFSET 0) l
            )
            SELECT 0, id, email, phone, linked, NULL::text, created, updated, NULL::timestamptz FROM live
            UNION ALL
            SELECT 1, id, email, phone, linked, precedence, created, updated, deleted FROM deletedRows
            UNION ALL
            SELECT 2, NULL::int8, email, "phoneNumber", NULL::int8, NULL::text, "createdAt", NULL::timestamptz,
                   NULL::timestamptz FROM links
            """
    }

    /// The groups' live rows alone (kind 0): the selection when it asks for no deleted rows
    /// and no links, half the statement to start and end.
    var groupsQuery: String {
        walk + """
            )
            SELECT 0, id, email, phone, linked, NULL::text, created, updated, NULL::timestamptz FROM live
            """
    }

    /// The groups: seeds by value or id, up to each root, down to every member (`live`);
    /// a `WITH` list left open for the query that uses it.
    private var walk: String {
        let table = layout.qualifiedName
        return """
            WITH RECURSIVE seeds(id, next) AS (
                SELECT c.id::int8, c."linkedId"::int8 FROM \(table) c WHERE c.email = p_email AND c."deletedAt" IS NULL
              UNION
                SELECT c.id::int8, c."linkedId"::int8 FROM \(table) c WHERE c."phoneNumber" = p_phone AND c."deletedAt" IS NULL
              UNION
                SELECT c.id::int8, c."linkedId"::int8 FROM \(table) c WHERE c.id = p_id AND c."deletedAt" IS NULL
            ), up(id, next, depth) AS (
                SELECT id, next, 0 FROM seeds
              UNION ALL
                SELECT p.id, p.next, up.depth + 1 FROM up CROSS JOIN LATERAL (
                    SELECT c.id::int8 AS id, c."linkedId"::int8 AS next FROM \(table) c
                    WHERE c.id = up.next AND c."deletedAt" IS NULL OFFSET 0) p
                WHERE up.depth < 32
            ), roots(id) AS (
                SELECT DISTINCT up.id FROM up LEFT JOIN LATERAL (
                    SELECT true AS found FROM \(table) p WHERE p.id = up.next AND p."deletedAt" IS NULL OFFSET 0) p ON true
                WHERE p.found IS NULL
            ), down(id, root, depth) AS (
                SELECT id, id, 0 FROM roots
              UNION ALL
                SELECT c.id, down.root, down.depth + 1 FROM down CROSS JOIN LATERAL (
                    SELECT c.id::int8 AS id FROM \(table) c
                    WHERE c."linkedId" = down.id AND c."deletedAt" IS NULL AND c.id <> down.root OFFSET 0) c
                WHERE down.depth < 32
            ), live AS (
                SELECT DISTINCT ON (c.id) c.id, c.email, c.phone, NULLIF(down.root, c.id) AS linked, c.created, c.updated
                FROM down CROSS JOIN LATERAL (
                    SELECT \(columns("c")) FROM \(table) c WHERE c.id = down.id OFFSET 0) c
                ORDER BY c.id

            """
    }

    /// The columns of a row read by id, as the functions return them.
    private func columns(_ alias: String) -> String {
        """
        \(alias).id::int8 AS id, \(alias).email::text AS email, \(alias)."phoneNumber"::text AS phone,
                   \(layout.read("createdAt", of: alias)) AS created, \(layout.read("updatedAt", of: alias)) AS updated
        """
    }

    /// The selection and its fingerprint (kind 3, in `email`): an MD5 of the rows' text in a
    /// fixed order, which `identity_apply` compares to tell whether the selection changed.
    var readBody: String {
        """

        WITH s AS MATERIALIZED (SELECT * FROM \(name("select"))(p_email, p_phone, p_id, p_deleted, p_links))
        SELECT * FROM s
        UNION ALL
        SELECT 3, NULL::int8, (SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY s::text), '')) FROM s),
               NULL::text, NULL::int8, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz

        """
    }

    /// The fingerprint ``readBody`` computes for a selection of no rows (the MD5 of the
    /// empty text): what a read that selects nothing, and so is not sent, returns.
    static let emptySelectionFingerprint = "d41d8cd98f00b204e9800998ecf8427e"

    /// Locks, checks the fingerprint, writes. See the type's documentation.
    var applyBody: String {
        let table = layout.qualifiedName
        let links = layout.linksQualifiedName
        func write(_ expression: String, into column: String) -> String {
            let (prefix, suffix) = layout.write(column)
            return prefix + expression + suffix
        }
        let selection = "p_email, p_phone, p_id, p_deleted, p_links"
        return """

            #variable_conflict use_column
            DECLARE
                k int8;
            BEGIN
                -- Ascending order, the import barrier (the smallest key) shared: no deadlock
                -- with any other transaction of the store, of this version or the previous one.
                FOR k IN SELECT DISTINCT x FROM unnest(p_keys) AS x ORDER BY x LOOP
                    IF k = \(AdvisoryLockKey.importBarrier) THEN
                        PERFORM pg_advisory_xact_lock_shared(k);
                    ELSE
                        PERFORM pg_advisory_xact_lock(k);
                    END IF;
                END LOOP;
                IF (SELECT r.email FROM \(name("read"))(\(selection)) r WHERE r.kind = 3)
                    IS DISTINCT FROM p_fingerprint THEN
                    RETURN QUERY SELECT * FROM \(name("read"))(\(selection));
                    RETURN;
                END IF;
                UPDATE \(table) AS c
                SET email = u.email, "phoneNumber" = u.phone, "linkedId" = u.linked,
                    "linkPrecedence" = u.precedence::\(layout.precedenceType),
                    "updatedAt" = \(write("u.updated", into: "updatedAt")),
                    "deletedAt" = \(write("u.deleted", into: "deletedAt"))
                FROM unnest(u_id, u_email, u_phone, u_linked, u_precedence, u_updated, u_deleted)
                     AS u(id, email, phone, linked, precedence, updated, deleted)
                WHERE c.id = u.id;
                DELETE FROM \(links) AS l
                USING unnest(r_email, r_phone, r_created) AS r(email, phone, created)
                WHERE l.email = r.email AND l."phoneNumber" = r.phone AND l."createdAt" = r.created;
                INSERT INTO \(links) (email, "phoneNumber", "createdAt")
                SELECT * FROM unnest(a_email, a_phone, a_created) ON CONFLICT DO NOTHING;
                RETURN QUERY
                WITH inserted AS (
                    INSERT INTO \(table) (email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt")
                    SELECT i.email, i.phone, i.linked, i.precedence::\(layout.precedenceType),
                           \(write("i.created", into: "createdAt")), \(write("i.created", into: "updatedAt"))
                    FROM unnest(i_email, i_phone, i_linked, i_precedence, i_created)
                         WITH ORDINALITY AS i(email, phone, linked, precedence, created, position)
                    ORDER BY i.position
                    RETURNING id
                )
                SELECT 4, inserted.id::int8, NULL::text, NULL::text, NULL::int8, NULL::text, NULL::timestamptz,
                       NULL::timestamptz, NULL::timestamptz
                FROM inserted;
            END

            """
    }
}
