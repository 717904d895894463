import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A small, obviously correct model of the rules, independent of the library's stores, of
/// ``ReconciliationRules`` and of ``CorrectionRules``: it keeps rows and links in plain
/// arrays and, after every request or correction, recomputes the groups from scratch with
/// union-find over every live row's values and every link (recorded by each merge), then
/// makes each group's oldest row its primary.
struct ReferenceModel {
    /// An email or a phone number; the two never match each other.
    enum Value: Hashable {
        case email(String)
        case phone(String)
    }

    /// Every row, live and deleted, with `linkedId` and `linkPrecedence` as the rules require.
    private(set) var rows: [Contact]
    /// The links recorded by merges and not yet dropped, oldest first.
    private(set) var links: [ContactLink] = []
    private var nextID: Int

    /// Starts from imported rows (only deleted rows, or rows already consistent).
    init(rows: [Contact] = []) {
        self.rows = rows.sorted { $0.id < $1.id }
        nextID = (rows.map(\.id).max() ?? 0) + 1
    }

    /// The group of every value held by a live row, named by one representative value.
    private func groups() -> [Value: Value] {
        var parent: [Value: Value] = [:]
        func find(_ value: Value) -> Value {
            var root = value
            while let next = parent[root], next != root { root = next }
            return root
        }
        func union(_ first: Value, _ second: Value) {
            let (a, b) = (find(first), find(second))
            if a != b { parent[a] = b }
        }
        for row in rows where row.isLive {
            let values = Self.values(of: row)
            for value in values where parent[value] == nil { parent[value] = value }
            if values.count == 2 { union(values[0], values[1]) }
        }
        for link in links where parent[.email(link.email)] != nil && parent[.phone(link.phoneNumber)] != nil {
            union(.email(link.email), .phone(link.phoneNumber))
        }
        var result: [Value: Value] = [:]
        for value in parent.keys { result[value] = find(value) }
        return result
    }

    private static func values(of row: Contact) -> [Value] {
        [row.email.map(Value.email), row.phoneNumber.map(Value.phone)].compactMap { $0 }
    }

    private static func values(email: String?, phoneNumber: String?) -> [Value] {
        [email.map(Value.email), phoneNumber.map(Value.phone)].compactMap { $0 }
    }

    /// The live rows of the group named `root`, oldest first by (createdAt, id).
    private func members(of root: Value, in groups: [Value: Value]) -> [Contact] {
        rows.filter { row in row.isLive && Self.values(of: row).contains { groups[$0] == root } }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Applies one valid, normalized request and returns what the library must answer.
    mutating func identify(email: String?, phoneNumber: String?, now: Date) -> Identification {
        let before = groups()
        let requested = Self.values(email: email, phoneNumber: phoneNumber)
        let matchedRoots = Set(requested.compactMap { before[$0] })
        let outcome: Identification.Outcome
        switch matchedRoots.count {
        case 0:
            rows.append(
                Contact(
                    id: nextID, email: email, phoneNumber: phoneNumber, linkedId: nil, linkPrecedence: .primary,
                    createdAt: now, updatedAt: now))
            outcome = .createdPrimary(contactID: nextID)
            nextID += 1
        case 1:
            let primary = members(of: matchedRoots.first!, in: before)[0]
            if requested.allSatisfy({ before[$0] != nil }) {
                outcome = .unchanged
            } else {
                rows.append(
                    Contact(
                        id: nextID, email: email, phoneNumber: phoneNumber, linkedId: primary.id,
                        linkPrecedence: .secondary, createdAt: max(now, primary.createdAt),
                        updatedAt: max(now, primary.createdAt)))
                outcome = .createdSecondary(contactID: nextID)
                nextID += 1
            }
        default:
            let groupsByAge = matchedRoots.map { members(of: $0, in: before) }.sorted {
                ($0[0].createdAt, $0[0].id) < ($1[0].createdAt, $1[0].id)
            }
            let (older, newer) = (groupsByAge[0], groupsByAge[1])
            let demoted = Set(newer.map(\.id))
            for index in rows.indices where demoted.contains(rows[index].id) {
                rows[index].updatedAt = now
            }
            outcome = .merged(primaryID: older[0].id, demotedPrimaryID: newer[0].id)
            if let email, let phoneNumber {
                links.append(ContactLink(email: email, phoneNumber: phoneNumber, createdAt: now))
            }
        }
        relink(now: nil)
        let after = groups()
        return Identification(contact: Self.consolidate(members(of: after[requested[0]]!, in: after)), outcome: outcome)
    }

    /// What a lookup by one value must return.
    func contact(email: String?, phoneNumber: String?) -> ConsolidatedContact? {
        let current = groups()
        guard let value = Self.values(email: email, phoneNumber: phoneNumber).first, let root = current[value] else {
            return nil
        }
        return Self.consolidate(members(of: root, in: current))
    }

    /// Sets every live row's precedence and link from the groups: the oldest row is primary.
    /// With `now`, a row whose link changes gets it as `updatedAt`.
    private mutating func relink(now: Date?) {
        let current = groups()
        var primaryOf: [Value: Int] = [:]
        for row in rows where row.isLive {
            let root = current[Self.values(of: row)[0]]!
            if let known = primaryOf[root], let primary = rows.first(where: { $0.id == known }),
                (primary.createdAt, primary.id) < (row.createdAt, row.id)
            {
                continue
            }
            primaryOf[root] = row.id
        }
        for index in rows.indices where rows[index].isLive {
            let primaryID = primaryOf[current[Self.values(of: rows[index])[0]]!]!
            let linkedId = primaryID == rows[index].id ? nil : primaryID
            if let now, linkedId != rows[index].linkedId { rows[index].updatedAt = now }
            rows[index].linkedId = linkedId
            rows[index].linkPrecedence = linkedId == nil ? .primary : .secondary
        }
    }

    // MARK: - Corrections

    /// What a correction must answer: its result, or the error.
    enum CorrectionOutcome: Equatable {
        case done(Correction)
        case failed(CorrectionError)
    }

    /// Soft-deletes the live row `id`.
    mutating func delete(contactID id: Int, now: Date) -> CorrectionOutcome {
        guard let index = rows.firstIndex(where: { $0.id == id && $0.isLive }) else {
            return .failed(.contactNotFound(id))
        }
        return correct(affecting: groupIDs(of: rows[index]), now: now) { model in
            model.rows[index].deletedAt = now
            model.rows[index].updatedAt = now
        }
    }

    /// Removes an email (or a phone number) from every row holding it.
    mutating func forget(email: String?, phoneNumber: String?, now: Date) -> CorrectionOutcome {
        let holders = rows.indices.filter { index in
            (email != nil && rows[index].email == email)
                || (phoneNumber != nil && rows[index].phoneNumber == phoneNumber)
        }
        guard !holders.isEmpty else {
            if let email { return .failed(.emailNotFound(email)) }
            return .failed(.phoneNumberNotFound(phoneNumber!))
        }
        let affected = holders.filter { rows[$0].isLive }.flatMap { groupIDs(of: rows[$0]) }
        return correct(affecting: Array(Set(affected)), now: now) { model in
            for index in holders {
                if email != nil { model.rows[index].email = nil }
                if phoneNumber != nil { model.rows[index].phoneNumber = nil }
                model.rows[index].updatedAt = now
                if model.rows[index].isLive && model.rows[index].email == nil && model.rows[index].phoneNumber == nil {
                    model.rows[index].deletedAt = now
                }
            }
        }
    }

    /// Erases the person of the live row `id`.
    mutating func erase(contactID id: Int, now: Date) -> CorrectionOutcome {
        guard let row = rows.first(where: { $0.id == id && $0.isLive }) else { return .failed(.contactNotFound(id)) }
        let group = Set(groupIDs(of: row))
        let members = rows.filter { group.contains($0.id) }
        let emails = Set(members.compactMap(\.email))
        let phones = Set(members.compactMap(\.phoneNumber))
        return correct(affecting: Array(group), now: now) { model in
            for index in model.rows.indices {
                let current = model.rows[index]
                let related =
                    group.contains(current.id)
                    || (!current.isLive
                        && (current.email.map(emails.contains) == true
                            || current.phoneNumber.map(phones.contains) == true
                            || current.linkedId.map(group.contains) == true))
                guard related else { continue }
                if current.email != nil || current.phoneNumber != nil {
                    model.rows[index].email = nil
                    model.rows[index].phoneNumber = nil
                    model.rows[index].updatedAt = now
                }
                if group.contains(current.id) {
                    model.rows[index].deletedAt = now
                    model.rows[index].updatedAt = now
                }
            }
        }
    }

    /// The ids of the live rows in the group of `row`.
    private func groupIDs(of row: Contact) -> [Int] {
        let current = groups()
        let root = current[Self.values(of: row)[0]]
        return rows.filter { $0.isLive && Self.values(of: $0).contains { current[$0] == root } }.map(\.id)
    }

    /// Applies a change to the rows, drops the links whose values no live row holds, regroups,
    /// and reports the rows changed and the groups left of the `affected` rows.
    private mutating func correct(
        affecting affected: [Int], now: Date, _ change: (inout ReferenceModel) -> Void
    )
        -> CorrectionOutcome
    {
        let before = rows
        change(&self)
        let live = rows.filter(\.isLive)
        let emails = Set(live.compactMap(\.email))
        let phones = Set(live.compactMap(\.phoneNumber))
        links.removeAll { !emails.contains($0.email) || !phones.contains($0.phoneNumber) }
        relink(now: now)
        let changed = zip(before, rows).filter { $0 != $1 }.map(\.1.id).sorted()
        let previous = Set(before.filter { affected.contains($0.id) }.map(\.primaryID)).sorted()
        let current = groups()
        var left: [Value: [Contact]] = [:]
        for row in rows where row.isLive && affected.contains(row.id) {
            let root = current[Self.values(of: row)[0]]!
            left[root] = members(of: root, in: current)
        }
        let contacts = left.values.map(Self.consolidate).sorted { $0.primaryContactID < $1.primaryContactID }
        return .done(Correction(changedContactIDs: changed, previousPrimaryIDs: previous, contacts: contacts))
    }

    /// The consolidated contact of a group given oldest first.
    private static func consolidate(_ members: [Contact]) -> ConsolidatedContact {
        var emails: [String] = []
        var phoneNumbers: [String] = []
        for row in members {
            if let email = row.email, !emails.contains(email) { emails.append(email) }
            if let phone = row.phoneNumber, !phoneNumbers.contains(phone) { phoneNumbers.append(phone) }
        }
        return ConsolidatedContact(
            primaryContactID: members[0].id, emails: emails, phoneNumbers: phoneNumbers,
            secondaryContactIDs: members.dropFirst().map(\.id))
    }
}
