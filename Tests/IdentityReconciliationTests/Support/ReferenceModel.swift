import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A small, obviously correct model of the rules, independent of the library's stores and
/// of ``ReconciliationRules``: it keeps rows in a plain array and, on every request,
/// recomputes the groups from scratch with union-find over every live row's values and
/// every earlier request's pair of values (a request with both fields puts them in one
/// group, whether it inserted a row, merged two groups or changed nothing).
struct ReferenceModel {
    /// An email or a phone number; the two never match each other.
    enum Value: Hashable {
        case email(String)
        case phone(String)
    }

    /// Every row, live and deleted, with `linkedId` and `linkPrecedence` as the rules require.
    private(set) var rows: [Contact]
    /// The pairs of values of every request that carried both fields.
    private var pairs: [(Value, Value)] = []
    private var nextID: Int

    /// Starts from imported rows (only deleted rows, or rows already consistent).
    init(rows: [Contact] = []) {
        self.rows = rows.sorted { $0.id < $1.id }
        nextID = (rows.map(\.id).max() ?? 0) + 1
        for row in rows where row.isLive {
            if let email = row.email, let phone = row.phoneNumber { pairs.append((.email(email), .phone(phone))) }
        }
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
            for value in Self.values(of: row) where parent[value] == nil { parent[value] = value }
        }
        for (first, second) in pairs { union(first, second) }
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
        }
        if requested.count == 2 { pairs.append((requested[0], requested[1])) }
        relink()
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
    private mutating func relink() {
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
            rows[index].linkedId = primaryID == rows[index].id ? nil : primaryID
            rows[index].linkPrecedence = primaryID == rows[index].id ? .primary : .secondary
        }
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
