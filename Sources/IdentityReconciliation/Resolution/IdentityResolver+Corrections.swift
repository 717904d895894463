#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension IdentityResolver {
    /// Soft-deletes one row, then splits its group where nothing else joins its rows.
    ///
    /// The row gets `deletedAt` = `updatedAt` = now and keeps its values (a soft delete keeps
    /// history). Links whose values no live row holds any more are dropped, and the group's
    /// remaining live rows are regrouped by their evidence (``CorrectionRules``).
    ///
    /// One transaction of the store: linearizable with identifies and other corrections,
    /// all or nothing.
    ///
    /// - Returns: The rows changed and the people left behind.
    /// - Throws: ``CorrectionError/contactNotFound(_:)`` when no live row has this id; the
    ///   store's error. Nothing is written when it throws.
    public func delete(contactID id: Int) async throws -> Correction {
        try await correct(reading: ContactSelection(contactID: id, includesLinks: true)) { selected, now in
            try CorrectionRules.delete(contactID: id, selected: selected, now: now)
        }
    }

    /// Removes an email from every row holding it, live or deleted, and splits the people it
    /// had joined, exactly as if it had never been seen (unless other evidence joins them).
    ///
    /// The per-identifier erasure request, and the repair for a junk value. A live row left
    /// with neither value is deleted; links holding the email are dropped. A ``FileContactStore``
    /// removes the email's bytes from its file before returning (see
    /// ``FileContactStore/Options/purgesErasedValues``).
    ///
    /// - Parameter email: The email, normalized by the resolver's policy like any input.
    /// - Returns: The rows changed and the people left behind.
    /// - Throws: ``InputError`` when the policy refuses the email (or it is blank); ``CorrectionError/emailNotFound(_:)``
    ///   when no row holds it; the store's error. Nothing is written when it throws.
    public func forget(email: String) async throws -> Correction {
        guard let email = try TextRules.email(email, policy: policy) else {
            throw InputError.invalidEmail(reason: .blank)
        }
        return try await correct(reading: .holding(email: email)) { selected, now in
            try CorrectionRules.forget(email: email, selected: selected, now: now)
        }
    }

    /// Removes a phone number from every row holding it, live or deleted; see ``forget(email:)``.
    ///
    /// - Parameter phoneNumber: The phone number, normalized by the resolver's policy.
    /// - Returns: The rows changed and the people left behind.
    /// - Throws: ``InputError`` when the policy refuses it; ``CorrectionError/phoneNumberNotFound(_:)``
    ///   when no row holds it; the store's error. Nothing is written when it throws.
    public func forget(phoneNumber: String) async throws -> Correction {
        guard let phoneNumber = try TextRules.phoneNumber(phoneNumber, policy: policy) else {
            throw InputError.invalidPhoneNumber(reason: .blank)
        }
        return try await correct(reading: .holding(phoneNumber: phoneNumber)) { selected, now in
            try CorrectionRules.forget(phoneNumber: phoneNumber, selected: selected, now: now)
        }
    }

    /// Erases a person (GDPR Art. 17): every row of the group of `id` loses its email and
    /// phone number and is deleted, every deleted row holding one of the group's values or
    /// linked to one of its rows loses its values too, and the group's links are dropped.
    ///
    /// The rows stay as tombstones (id, link fields, timestamps, `deletedAt`), so ids are never
    /// reused and an export shows that something was erased. A ``FileContactStore`` removes the
    /// erased bytes from its file before returning.
    ///
    /// - Parameter id: Any live row of the person.
    /// - Returns: The rows changed; no people are left behind.
    /// - Throws: ``CorrectionError/contactNotFound(_:)`` when no live row has this id; the
    ///   store's error. Nothing is written when it throws.
    public func erase(contactID id: Int) async throws -> Correction {
        try await correct(reading: ContactSelection(contactID: id, includesDeletedRows: true, includesLinks: true)) {
            selected, now in
            try CorrectionRules.erase(contactID: id, selected: selected, now: now)
        }
    }

    /// Runs one correction: its rule decided in the store's transaction, with the clock read
    /// there (so timestamps follow commit order), and the result computed from the commit.
    private func correct(
        reading selection: ContactSelection,
        _ decide: @Sendable (SelectedContacts, Date) throws -> ContactPlan
    ) async throws -> Correction {
        let clock = self.clock
        let commit = try await store.commit(reading: selection) { selected in try decide(selected, clock.now()) }
        return Self.correction(of: commit)
    }

    /// The result of a correction's commit: the rows that differ, and the groups left.
    static func correction(of commit: ContactCommit) -> Correction {
        var before: [Int: Contact] = [:]
        for row in commit.selected.rows { before[row.id] = row }
        let changed = commit.rows.filter { before[$0.id] != $0 }.map(\.id).sorted()
        let previous = Set(commit.selected.rows.lazy.filter(\.isLive).map(\.primaryID)).sorted()
        var groups: [Int: [Contact]] = [:]
        for row in commit.rows where row.isLive { groups[row.primaryID, default: []].append(row) }
        let contacts = groups.values.compactMap(ReconciliationRules.consolidate).sorted {
            $0.primaryContactID < $1.primaryContactID
        }
        return Correction(changedContactIDs: changed, previousPrimaryIDs: previous, contacts: contacts)
    }
}
