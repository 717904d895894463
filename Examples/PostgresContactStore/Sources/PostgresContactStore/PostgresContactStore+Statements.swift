import IdentityReconciliation
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresContactStore {
    // MARK: - Lock keys

    /// The keys of a value pair: what a transaction selecting or inserting these values holds.
    static func valueKeys(email: String?, phoneNumber: String?) -> Set<Int64> {
        var keys = Set<Int64>()
        if let email { keys.insert(AdvisoryLockKey.email(email)) }
        if let phoneNumber { keys.insert(AdvisoryLockKey.phoneNumber(phoneNumber)) }
        return keys
    }

    /// The keys that keep what a transaction read as read until it commits.
    ///
    /// Every write is made by a transaction holding one of these keys of whatever it changes
    /// (see the README's argument): the selection's values (a new live holder of a value is
    /// only ever inserted, under its value's key); the group of every live row read (every
    /// change to a live row or to a group's membership is made by a transaction that read
    /// the group); the values of every deleted row read (a deleted row changes only by
    /// losing a value, in a transaction that read it, so holds them too); and the values of
    /// every link read (a removed link was read by its remover; an added one joins values of
    /// a group its writer read).
    static func readKeys(_ selection: ContactSelection, _ selected: SelectedContacts) -> Set<Int64> {
        var keys = valueKeys(email: selection.email, phoneNumber: selection.phoneNumber)
        for row in selected.rows {
            if row.isLive {
                keys.insert(AdvisoryLockKey.group(row.primaryID))
            } else {
                keys.formUnion(valueKeys(email: row.email, phoneNumber: row.phoneNumber))
            }
        }
        for link in selected.links {
            keys.formUnion(valueKeys(email: link.email, phoneNumber: link.phoneNumber))
        }
        return keys
    }

    /// The keys a plan's writes need beyond what it read: the values of the rows it inserts
    /// and of the links it adds or removes. For an identify they are the request's values,
    /// already held.
    static func writeKeys(_ plan: CheckedContactPlan) -> Set<Int64> {
        var keys = Set<Int64>()
        for write in plan.plan.writes {
            if case .insert(let email, let phoneNumber, _, _) = write {
                keys.formUnion(valueKeys(email: email, phoneNumber: phoneNumber))
            }
        }
        for link in plan.addedLinks + plan.removedLinks {
            keys.formUnion(valueKeys(email: link.email, phoneNumber: link.phoneNumber))
        }
        return keys
    }

    // MARK: - Reading

    /// The arguments every store function starts with (see ``StoreFunctions``).
    static func selectionArguments(_ selection: ContactSelection, into bindings: inout PostgresBindings) {
        bindings.append(selection.email)
        bindings.append(selection.phoneNumber)
        bindings.append(selection.contactID)
        bindings.append(selection.includesDeletedRows)
        bindings.append(selection.includesLinks)
    }

    /// What `selection` selects, in one call of `identity_select` (without a fingerprint)
    /// or `identity_read` (with one).
    func select(
        _ selection: ContactSelection, fingerprinted: Bool, _ session: ConnectionSession
    ) async throws -> FunctionResult {
        guard !selection.isEmpty else {
            return FunctionResult(fingerprint: fingerprinted ? StoreFunctions.emptySelectionFingerprint : nil)
        }
        var bindings = PostgresBindings(capacity: 5)
        Self.selectionArguments(selection, into: &bindings)
        return try await call(fingerprinted ? calls.read : calls.select, bindings, session)
    }

    /// The rows of a store function (see ``StoreFunctions``), decoded.
    struct FunctionResult: Sendable {
        var selected = SelectedContacts(rows: [])
        /// The selection's fingerprint (kind 3), when the function returned one.
        var fingerprint: String?
        /// Inserted ids (kind 4), in the order the server returned them.
        var insertedIDs: [Int] = []

        /// The fingerprint of a call that must return one (`identity_read`, and
        /// `identity_apply` when it writes nothing).
        ///
        /// - Throws: ``PostgresContactStoreError/invalidRow(contactID:column:reason:)`` when
        ///   the function returned none.
        func requiredFingerprint() throws -> String {
            guard let fingerprint else {
                throw PostgresContactStoreError.invalidRow(
                    contactID: nil, column: "email", reason: "the store function returned no fingerprint (kind 3)")
            }
            return fingerprint
        }

        /// Adds a row of a store function: kind 0 live (linkedId = the root), 1 deleted,
        /// 2 link, 3 fingerprint, 4 inserted id.
        mutating func append(
            kind: Int, id: Int?, email: String?, phone: String?, linkedID: Int?, precedence: String?,
            createdAt: PostgresTimestamp?, updatedAt: PostgresTimestamp?, deletedAt: PostgresTimestamp?
        ) throws {
            switch (kind, id, createdAt) {
            case (0, let id?, let createdAt?):
                selected.rows.append(
                    Contact(
                        id: id, email: email, phoneNumber: phone, linkedId: linkedID,
                        linkPrecedence: linkedID == nil ? .primary : .secondary, createdAt: createdAt.date,
                        updatedAt: updatedAt?.date ?? createdAt.date))
            case (1, let id?, let createdAt?):
                guard let precedence, let linkPrecedence = LinkPrecedence(rawValue: precedence) else {
                    throw PostgresContactStoreError.invalidRow(
                        contactID: id, column: "linkPrecedence",
                        reason: "\((precedence ?? "NULL").debugDescription) is neither primary nor secondary")
                }
                selected.rows.append(
                    Contact(
                        id: id, email: email, phoneNumber: phone, linkedId: linkedID, linkPrecedence: linkPrecedence,
                        createdAt: createdAt.date, updatedAt: updatedAt?.date ?? createdAt.date,
                        deletedAt: deletedAt?.date))
            case (2, _, let createdAt?):
                guard let email, let phone else {
                    throw PostgresContactStoreError.invalidRow(
                        contactID: nil, column: email == nil ? "email" : "phoneNumber",
                        reason: "a link without an email or a phone number")
                }
                selected.links.append(ContactLink(email: email, phoneNumber: phone, createdAt: createdAt.date))
            case (3, _, _):
                guard let email else {
                    throw PostgresContactStoreError.invalidRow(
                        contactID: nil, column: "email", reason: "a fingerprint row (kind 3) without its fingerprint")
                }
                fingerprint = email
            case (4, let id?, _):
                insertedIDs.append(id)
            default:
                throw PostgresContactStoreError.invalidRow(
                    contactID: id, column: "createdAt",
                    reason: "a store function returned a row of kind \(kind) without it")
            }
        }
    }

    /// Runs a store function, prepared, and decodes its rows: kind 0 live (linkedId = the
    /// root), 1 deleted, 2 link, 3 fingerprint, 4 inserted id.
    func call(
        _ statement: PreparedCall.Statement, _ bindings: PostgresBindings, _ session: ConnectionSession
    ) async throws -> FunctionResult {
        try await session.perform { connection in
            try await PreparedCall.run(statement, bindings, on: connection, logger: self.logger) { rows in
                try await self.decode(rows)
            }
        }
    }

    private func decode(_ rows: some AsyncSequence<PostgresRow, any Error>) async throws -> FunctionResult {
        var result = FunctionResult()
        for try await row in rows {
            let (kind, id, email, phone, linkedID, precedence, createdAt, updatedAt, deletedAt) = try row.decode(
                (
                    Int, Int?, String?, String?, Int?, String?, PostgresTimestamp?, PostgresTimestamp?,
                    PostgresTimestamp?
                ).self)
            try result.append(
                kind: kind, id: id, email: email, phone: phone, linkedID: linkedID, precedence: precedence,
                createdAt: createdAt, updatedAt: updatedAt, deletedAt: deletedAt)
        }
        return result
    }

    /// The statement of ``links(after:limit:)``: a keyset page in `ContactLink`'s order, which
    /// the links table's `"ContactLink_order_idx"` serves.
    ///
    /// The stored dates are whole microseconds, each read back as one `Date` (in increasing
    /// order), while `after` may lie between two of them. When `after`'s date is the one a
    /// stored microsecond reads back as, the whole key is compared; otherwise no stored link
    /// has that date, and only the microseconds read back as later dates qualify.
    func linksQuery(after: ContactLink?, limit: Int) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 4)
        var condition = ""
        if let after {
            let nearest = PostgresTimestamp(after.createdAt)
            bindings.append(nearest)
            if nearest.date == after.createdAt {
                bindings.append(after.email)
                bindings.append(after.phoneNumber)
                condition = #"WHERE (\#(ContactTableLayout.linkOrder)) > ($1, $2 COLLATE "C", $3 COLLATE "C")"#
            } else {
                condition = nearest.date < after.createdAt ? #"WHERE "createdAt" > $1"# : #"WHERE "createdAt" >= $1"#
            }
        }
        bindings.append(limit)
        return PostgresQuery(
            unsafeSQL: """
                SELECT email, "phoneNumber", "createdAt" FROM \(layout.linksQualifiedName)
                \(condition) ORDER BY \(ContactTableLayout.linkOrder) LIMIT $\(bindings.count)
                """, binds: bindings)
    }

    // MARK: - Writing

    /// The plan with its dates rounded as the table stores them, checked again, so that the
    /// rows a transaction reports are the rows later reads return. The plan itself when its
    /// dates are stored exactly (whole seconds always are).
    func stored(_ checked: CheckedContactPlan) throws -> CheckedContactPlan {
        let writes = checked.plan.writes.map { write -> ContactWrite in
            switch write {
            case .insert(let email, let phoneNumber, let linkedId, let createdAt):
                .insert(email: email, phoneNumber: phoneNumber, linkedId: linkedId, createdAt: layout.stored(createdAt))
            case .relinkGroup(let primaryID, let survivorID, let updatedAt):
                .relinkGroup(primaryID: primaryID, survivorID: survivorID, updatedAt: layout.stored(updatedAt))
            case .setLink(let contactID, let linkedId, let updatedAt):
                .setLink(contactID: contactID, linkedId: linkedId, updatedAt: layout.stored(updatedAt))
            case .delete(let contactID, let at):
                .delete(contactID: contactID, at: layout.stored(at))
            case .clearValues(let contactID, let email, let phoneNumber, let updatedAt):
                .clearValues(
                    contactID: contactID, email: email, phoneNumber: phoneNumber, updatedAt: layout.stored(updatedAt))
            case .addLink(let link):
                .addLink(
                    ContactLink(
                        email: link.email, phoneNumber: link.phoneNumber, createdAt: layout.stored(link.createdAt)))
            case .removeLink(let link):
                // A removed link was read, so its date is already as stored.
                .removeLink(link)
            }
        }
        guard writes != checked.plan.writes else { return checked }
        return try ContactPlan(writes).checked(against: checked.selected)
    }

    /// Calls `identity_apply`: locks `keys`, and persists `plan` when the selection's
    /// fingerprint is still `fingerprint`. Without a plan (and with an empty fingerprint)
    /// it only locks and reads.
    ///
    /// - Returns: The inserted ids in the order of the plan's inserts, or the fresh
    ///   selection and fingerprint (nothing written) when the selection changed.
    func apply(
        _ plan: CheckedContactPlan?, selection: ContactSelection, fingerprint: String, keys: Set<Int64>,
        _ session: ConnectionSession
    ) async throws -> FunctionResult {
        var bindings = PostgresBindings(capacity: 25)
        Self.selectionArguments(selection, into: &bindings)
        bindings.append(fingerprint)
        bindings.append(([AdvisoryLockKey.importBarrier] + keys.sorted()))
        var writes = PlanArrays()
        if let plan { writes.append(plan) }
        writes.bind(into: &bindings)
        var result = try await call(calls.apply, bindings, session)
        // The sequence hands out increasing ids in the order the rows are inserted (the
        // order of the plan), so the ids sorted are the ids of the plan's inserts in order.
        result.insertedIDs.sort()
        return result
    }

    /// The writes of plans as `identity_apply` takes them: one array per column of the
    /// updated rows, the removed and added links and the inserted rows, the plans one after
    /// another.
    struct PlanArrays {
        var updated: [Contact] = []
        var removedLinks: [ContactLink] = []
        var addedLinks: [ContactLink] = []
        var inserted: [Contact] = []

        mutating func append(_ plan: CheckedContactPlan) {
            updated += plan.updatedRows
            removedLinks += plan.removedLinks
            addedLinks += plan.addedLinks
            // The ids are placeholders: only their count matters to insertedRows(ids:).
            inserted += plan.insertedRows(ids: Array(repeating: 0, count: plan.insertCount))
        }

        /// The positions (1-based) the writes appended next start at, per kind.
        var next: [Int] { [updated.count + 1, removedLinks.count + 1, addedLinks.count + 1, inserted.count + 1] }

        func bind(into bindings: inout PostgresBindings) {
            bindings.append(updated.map(\.id))
            bindings.append(PostgresArray(updated.map(\.email)))
            bindings.append(PostgresArray(updated.map(\.phoneNumber)))
            bindings.append(PostgresArray(updated.map(\.linkedId)))
            bindings.append(updated.map(\.linkPrecedence.rawValue))
            bindings.append(updated.map { PostgresTimestamp($0.updatedAt) })
            bindings.append(PostgresArray(updated.map { $0.deletedAt.map(PostgresTimestamp.init) }))
            for links in [removedLinks, addedLinks] {
                bindings.append(links.map(\.email))
                bindings.append(links.map(\.phoneNumber))
                bindings.append(links.map { PostgresTimestamp($0.createdAt) })
            }
            bindings.append(PostgresArray(inserted.map(\.email)))
            bindings.append(PostgresArray(inserted.map(\.phoneNumber)))
            bindings.append(PostgresArray(inserted.map(\.linkedId)))
            bindings.append(inserted.map(\.linkPrecedence.rawValue))
            bindings.append(inserted.map { PostgresTimestamp($0.createdAt) })
        }
    }

    // MARK: - Batches

    /// One identify's write in a batch (see ``applyMany(_:until:)``).
    struct BatchedWrite: Sendable {
        let selection: ContactSelection
        /// The fingerprint of the selection the plan was decided on.
        let fingerprint: String
        let keys: Set<Int64>
        let plan: CheckedContactPlan
    }

    /// What a batch did with one identify's write.
    enum BatchedWriteOutcome: Sendable {
        /// Written: the inserted ids, in the order of the plan's inserts.
        case written(insertedIDs: [Int])
        /// Nothing written: the selection had changed since it was read.
        case selectionChanged
        /// Nothing written: the batch failed for a reason that may be another identify's
        /// (a server error, not a lost connection); run it alone.
        case runAlone
    }

    /// The reads of many identifies in one round trip (``StoreFunctions/readManySQL``),
    /// each with its fingerprint; one result per selection, all failing together.
    func readMany(
        _ selections: [ContactSelection], until deadline: ContinuousClock.Instant
    ) async -> [Result<FunctionResult, any Error>] {
        do {
            // A batch of one is one identify's read, without the batch's statement around it.
            if selections.count == 1 {
                let result = try await ConnectionSession.with(client, deadline: deadline, timeout: options.timeout) {
                    session in try await self.select(selections[0], fingerprinted: true, session)
                }
                return [.success(result)]
            }
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(PostgresArray(selections.map(\.email)))
            bindings.append(PostgresArray(selections.map(\.phoneNumber)))
            let results = try await batch(
                calls.readMany, bindings, count: selections.count, until: deadline, writes: false)
            return results.map { .success($0) }
        } catch {
            return Array(repeating: .failure(error), count: selections.count)
        }
    }

    /// The writes of many identifies in one round trip and one transaction
    /// (``StoreFunctions/applyManySQL``). A lost connection, a timeout or a server shutting
    /// down fails them all, in doubt; another failure of a batch of several is reported as
    /// ``BatchedWriteOutcome/runAlone``, so that one identify's failure is not another's.
    func applyMany(
        _ writes: [BatchedWrite], until deadline: ContinuousClock.Instant
    ) async -> [Result<BatchedWriteOutcome, any Error>] {
        do {
            let results: [FunctionResult]
            if let write = writes.first, writes.count == 1 {
                results = [
                    try await ConnectionSession.with(client, deadline: deadline, timeout: options.timeout) { session in
                        session.setWriting(true)
                        return try await self.apply(
                            write.plan, selection: write.selection, fingerprint: write.fingerprint, keys: write.keys,
                            session)
                    }
                ]
            } else {
                results = try await batch(
                    calls.applyMany, Self.bindings(of: writes), count: writes.count, until: deadline, writes: true)
            }
            return results.map { result in
                // The sequence hands out increasing ids in the order of each plan's inserts.
                .success(
                    result.fingerprint == nil
                        ? .written(insertedIDs: result.insertedIDs.sorted()) : .selectionChanged)
            }
        } catch {
            let affectsAll: Bool
            switch error as? PostgresContactStoreError {
            case .connectionLost?, .serverShuttingDown?, .timeout?, .unreachable?, .serializationFailure?:
                affectsAll = true
            default: affectsAll = writes.count == 1
            }
            return Array(repeating: affectsAll ? .failure(error) : .success(.runAlone), count: writes.count)
        }
    }

    /// The arguments of ``StoreFunctions/applyManySQL`` for `writes`: the union of their keys,
    /// each write's values, fingerprint and slice positions, and their plans' arrays.
    static func bindings(of writes: [BatchedWrite]) -> PostgresBindings {
        var keys: Set<Int64> = [AdvisoryLockKey.importBarrier]
        var arrays = PlanArrays()
        var ranges = Array(repeating: [Int32](), count: 8)
        for write in writes {
            keys.formUnion(write.keys)
            let first = arrays.next
            arrays.append(write.plan)
            for (kind, (start, end)) in zip(first, arrays.next).enumerated() {
                ranges[2 * kind].append(Int32(start))
                ranges[2 * kind + 1].append(Int32(end - 1))
            }
        }
        var bindings = PostgresBindings(capacity: 30)
        bindings.append(keys.sorted())
        bindings.append(PostgresArray(writes.map(\.selection.email)))
        bindings.append(PostgresArray(writes.map(\.selection.phoneNumber)))
        bindings.append(writes.map(\.fingerprint))
        for range in ranges { bindings.append(range) }
        arrays.bind(into: &bindings)
        return bindings
    }

    /// Runs a batch statement on a connection of its own, by `deadline`, and decodes its
    /// rows by the identify they lead with.
    private func batch(
        _ statement: PreparedCall.Statement, _ bindings: PostgresBindings, count: Int,
        until deadline: ContinuousClock.Instant, writes: Bool
    ) async throws -> [FunctionResult] {
        try await ConnectionSession.with(client, deadline: deadline, timeout: options.timeout) { session in
            session.setWriting(writes)
            return try await session.perform { connection in
                try await PreparedCall.run(statement, bindings, on: connection, logger: self.logger) { rows in
                    var results = Array(repeating: FunctionResult(), count: count)
                    for try await row in rows {
                        let (member, kind, id, email, phone, linkedID, precedence, createdAt, updatedAt, deletedAt) =
                            try row.decode(
                                (
                                    Int, Int, Int?, String?, String?, Int?, String?, PostgresTimestamp?,
                                    PostgresTimestamp?, PostgresTimestamp?
                                ).self)
                        guard results.indices.contains(member - 1) else {
                            throw PostgresContactStoreError.invalidRow(
                                contactID: id, column: "i",
                                reason: "a batch returned a row of call \(member) of \(count)")
                        }
                        try results[member - 1].append(
                            kind: kind, id: id, email: email, phone: phone, linkedID: linkedID, precedence: precedence,
                            createdAt: createdAt, updatedAt: updatedAt, deletedAt: deletedAt)
                    }
                    return results
                }
            }
        }
    }

    // MARK: - Import

    /// One multi-row INSERT of imported rows, keeping their ids.
    func insertQuery(_ rows: ArraySlice<Contact>) -> PostgresQuery {
        var sql = """
            INSERT INTO \(layout.qualifiedName)
                (id, email, "phoneNumber", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt")
            OVERRIDING SYSTEM VALUE VALUES
            """
        var bindings = PostgresBindings(capacity: rows.count * 7)
        func parameter(_ timestamp: Date?, column: String) -> String {
            bindings.append(timestamp.map { PostgresTimestamp($0) })
            let (prefix, suffix) = layout.write(column)
            return prefix + "$\(bindings.count)" + suffix
        }
        for (index, row) in rows.enumerated() {
            bindings.append(row.id)
            let id = "$\(bindings.count)"
            bindings.append(row.email)
            let email = "$\(bindings.count)"
            bindings.append(row.phoneNumber)
            let phone = "$\(bindings.count)"
            bindings.append(row.linkedId)
            let linkedID = "$\(bindings.count)"
            let created = parameter(row.createdAt, column: "createdAt")
            let updated = parameter(row.updatedAt, column: "updatedAt")
            let deleted = parameter(row.deletedAt, column: "deletedAt")
            sql += index == 0 ? "\n" : ",\n"
            sql += "(\(id), \(email), \(phone), \(linkedID), '\(row.linkPrecedence.rawValue)', "
            sql += "\(created), \(updated), \(deleted))"
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// One INSERT of imported links.
    func insertLinksQuery(_ links: ArraySlice<ContactLink>) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(links.map(\.email))
        bindings.append(links.map(\.phoneNumber))
        bindings.append(links.map { PostgresTimestamp($0.createdAt) })
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(layout.linksQualifiedName) (email, "phoneNumber", "createdAt")
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
                """, binds: bindings)
    }
}
