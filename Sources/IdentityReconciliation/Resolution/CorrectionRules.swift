#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The rules of the corrections as pure functions: each decides the ``ContactPlan`` of one
/// correction from the rows and links its transaction read, with no I/O and no clock.
///
/// Every correction ends the same way (``settle(_:links:now:)``): links whose email or phone
/// number no live row holds any more are dropped, and the affected rows are regrouped into
/// the connected components of their evidence (shared values and the remaining links), each
/// component's oldest row its primary and every other row linked to it directly. Only rows
/// whose link changes get a new `updatedAt`; deleted rows keep their link fields.
public enum CorrectionRules {
    /// Soft-deletes one live row, then settles its group.
    ///
    /// - Parameters:
    ///   - id: The row to delete.
    ///   - selected: The group containing the row, with its links.
    ///   - now: The timestamp of the correction.
    /// - Throws: ``CorrectionError/contactNotFound(_:)`` when no selected live row has this id.
    public static func delete(
        contactID id: Int, selected: SelectedContacts, now: Date
    ) throws(CorrectionError)
        -> ContactPlan
    {
        var rows = selected.rows
        guard let index = rows.firstIndex(where: { $0.id == id && $0.isLive }) else { throw .contactNotFound(id) }
        rows[index].deletedAt = now
        rows[index].updatedAt = now
        return ContactPlan([.delete(contactID: id, at: now)] + settle(rows, links: selected.links, now: now))
    }

    /// Removes an email from every row holding it, live or deleted; a live row left with
    /// neither value is deleted; then settles the group.
    ///
    /// - Parameters:
    ///   - email: The normalized email to forget.
    ///   - selected: The rows holding it, live or deleted, the live group around them, and its links.
    ///   - now: The timestamp of the correction.
    /// - Throws: ``CorrectionError/emailNotFound(_:)`` when no selected row holds it.
    public static func forget(
        email: String, selected: SelectedContacts, now: Date
    ) throws(CorrectionError)
        -> ContactPlan
    {
        guard let plan = forget(selected, now: now, clearing: { $0.email == email ? (true, false) : nil }) else {
            throw .emailNotFound(email)
        }
        return plan
    }

    /// Removes a phone number from every row holding it, live or deleted; a live row left
    /// with neither value is deleted; then settles the group.
    ///
    /// - Parameters:
    ///   - phoneNumber: The normalized phone number to forget.
    ///   - selected: The rows holding it, live or deleted, the live group around them, and its links.
    ///   - now: The timestamp of the correction.
    /// - Throws: ``CorrectionError/phoneNumberNotFound(_:)`` when no selected row holds it.
    public static func forget(
        phoneNumber: String, selected: SelectedContacts, now: Date
    ) throws(CorrectionError)
        -> ContactPlan
    {
        let clearing: (Contact) -> (Bool, Bool)? = { $0.phoneNumber == phoneNumber ? (false, true) : nil }
        guard let plan = forget(selected, now: now, clearing: clearing) else {
            throw .phoneNumberNotFound(phoneNumber)
        }
        return plan
    }

    /// The plan that clears, on each row, the values `clearing` names; `nil` when it names none.
    private static func forget(
        _ selected: SelectedContacts, now: Date, clearing: (Contact) -> (email: Bool, phoneNumber: Bool)?
    ) -> ContactPlan? {
        var rows = selected.rows
        var writes: [ContactWrite] = []
        for index in rows.indices {
            guard let (clearsEmail, clearsPhone) = clearing(rows[index]) else { continue }
            writes.append(
                .clearValues(contactID: rows[index].id, email: clearsEmail, phoneNumber: clearsPhone, updatedAt: now))
            if clearsEmail { rows[index].email = nil }
            if clearsPhone { rows[index].phoneNumber = nil }
            rows[index].updatedAt = now
            if rows[index].isLive && rows[index].email == nil && rows[index].phoneNumber == nil {
                writes.append(.delete(contactID: rows[index].id, at: now))
                rows[index].deletedAt = now
            }
        }
        guard !writes.isEmpty else { return nil }
        return ContactPlan(writes + settle(rows, links: selected.links, now: now))
    }

    /// Erases a person: every live row of the group of `id` loses both values and is deleted,
    /// every selected deleted row (one holding a value of the group, or linked to one of its
    /// rows) loses its values, and the group's links are dropped. The rows stay as tombstones.
    ///
    /// - Parameters:
    ///   - id: Any live row of the person.
    ///   - selected: The group with its related deleted rows and its links.
    ///   - now: The timestamp of the correction.
    /// - Throws: ``CorrectionError/contactNotFound(_:)`` when no selected live row has this id.
    public static func erase(
        contactID id: Int, selected: SelectedContacts, now: Date
    ) throws(CorrectionError)
        -> ContactPlan
    {
        guard let target = selected.rows.first(where: { $0.id == id && $0.isLive }) else {
            throw .contactNotFound(id)
        }
        let group = selected.rows.filter { $0.isLive && $0.primaryID == target.primaryID }
        let groupIDs = Set(group.map(\.id))
        let emails = Set(group.compactMap(\.email))
        let phones = Set(group.compactMap(\.phoneNumber))
        var writes: [ContactWrite] = []
        for row in selected.rows {
            let isMember = groupIDs.contains(row.id)
            let isRelated =
                !row.isLive
                && (row.email.map(emails.contains) == true || row.phoneNumber.map(phones.contains) == true
                    || row.linkedId.map(groupIDs.contains) == true)
            guard isMember || isRelated else { continue }
            if row.email != nil || row.phoneNumber != nil {
                writes.append(
                    .clearValues(
                        contactID: row.id, email: row.email != nil, phoneNumber: row.phoneNumber != nil, updatedAt: now)
                )
            }
            if isMember { writes.append(.delete(contactID: row.id, at: now)) }
        }
        for link in selected.links where emails.contains(link.email) || phones.contains(link.phoneNumber) {
            writes.append(.removeLink(link))
        }
        return ContactPlan(writes)
    }

    /// The writes that end every correction: drop the links whose email or phone number no
    /// live row of `rows` holds, then regroup the live rows of `rows` into the components of
    /// their evidence, each component's oldest row by (`createdAt`, `id`) its primary.
    ///
    /// - Parameters:
    ///   - rows: Every row of the groups the correction touched, as the correction leaves them.
    ///   - links: The links of those groups before the correction.
    ///   - now: The `updatedAt` of every row whose link changes.
    public static func settle(_ rows: [Contact], links: [ContactLink], now: Date) -> [ContactWrite] {
        let dangling = ContactEvidence.danglingLinks(in: rows, links: links)
        var writes: [ContactWrite] = dangling.map { .removeLink($0) }
        let remaining = dangling.isEmpty ? links : links.filter { !dangling.contains($0) }
        for component in ContactEvidence(rows: rows, links: remaining).components {
            guard let primary = component.min(by: { rows[$0].isOlder(than: rows[$1]) }) else { continue }
            if rows[primary].linkedId != nil {
                writes.append(.setLink(contactID: rows[primary].id, linkedId: nil, updatedAt: now))
            }
            for member in component where member != primary && rows[member].linkedId != rows[primary].id {
                writes.append(.setLink(contactID: rows[member].id, linkedId: rows[primary].id, updatedAt: now))
            }
        }
        return writes
    }
}
