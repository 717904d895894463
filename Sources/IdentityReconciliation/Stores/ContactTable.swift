import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rows of a store with the indexes that make identify cost O(size of the groups
/// touched): hash indexes by email and by phone number, and each group's member list.
///
/// A value type with no locking and no I/O: ``InMemoryContactStore`` keeps one behind a
/// mutex, and the file store rebuilds one from its file on open.
struct ContactTable: Sendable {
    /// Every row, live and deleted, in ascending id order.
    private(set) var rows: [Contact] = []
    /// For each email of a live row, the id of one live row holding it.
    private var emailOwners: [String: Int] = [:]
    /// For each phone number of a live row, the id of one live row holding it.
    private var phoneOwners: [String: Int] = [:]
    /// For each primary that has secondaries, their ids. A primary without an entry has none;
    /// keeping no entry for single-row groups saves an allocation per contact.
    private var secondaries: [Int: [Int]] = [:]
    /// The id the next inserted row gets.
    private(set) var nextID = 1

    init() {}

    /// Builds a table from existing rows.
    ///
    /// - Throws: ``ContactStoreError/invalidContacts(_:)`` when the rows break ``ContactInvariants``.
    init(validating rows: [Contact]) throws(ContactStoreError) {
        let violations = ContactInvariants.violations(in: rows)
        guard violations.isEmpty else { throw .invalidContacts(violations) }
        for row in rows.sorted(by: { $0.id < $1.id }) {
            append(row, indexingValues: false)
        }
        indexValues()
    }

    var isEmpty: Bool { rows.isEmpty }

    /// Reserves room for `count` rows, so that loading a large store does not regrow them.
    mutating func reserveCapacity(_ count: Int) {
        rows.reserveCapacity(count)
    }

    /// The position of the row with this id in ``rows``.
    func position(of id: Int) -> Int? {
        guard let first = rows.first?.id else { return nil }
        // Ids are usually dense, so the row is normally at `id - first`. Any `id` may be
        // asked for (a caller's `Int.min`), so the subtraction must not trap.
        let (guess, overflow) = id.subtractingReportingOverflow(first)
        if !overflow && guess >= 0 && guess < rows.count && rows[guess].id == id { return guess }
        let low = firstPosition { $0 < id }
        return low < rows.count && rows[low].id == id ? low : nil
    }

    /// The first position whose row id no longer satisfies `isBefore`, by binary search;
    /// `isBefore` must hold for a prefix of the ids in ascending order.
    private func firstPosition(where isBefore: (Int) -> Bool) -> Int {
        var low = 0
        var high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(rows[middle].id) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The row with this id, live or deleted.
    func row(id: Int) -> Contact? {
        position(of: id).map { rows[$0] }
    }

    /// The live rows of the group whose primary is `primaryID`.
    func members(ofPrimary primaryID: Int) -> [Contact] {
        var result: [Contact] = []
        appendMembers(ofPrimary: primaryID, to: &result)
        return result
    }

    /// Appends the live rows of the group whose primary is `primaryID`, primary first and
    /// the others in id order, which is the order ``ReconciliationRules/consolidate(_:)``
    /// needs no sort for.
    private func appendMembers(ofPrimary primaryID: Int, to result: inout [Contact]) {
        guard let primary = row(id: primaryID) else { return }
        let others = secondaries[primaryID] ?? []
        result.reserveCapacity(result.count + others.count + 1)
        result.append(primary)
        for id in others {
            if let position = position(of: id) { result.append(rows[position]) }
        }
    }

    /// The live rows of the group containing the live row `id`, or empty.
    func group(containing id: Int) -> [Contact] {
        guard let row = row(id: id), row.isLive else { return [] }
        return members(ofPrimary: row.primaryID)
    }

    /// The matched rows for a request (see ``ContactStore``).
    func matchedRows(email: String?, phoneNumber: String?) -> [Contact] {
        let emailGroup = email.flatMap { emailOwners[$0] }.flatMap { row(id: $0)?.primaryID }
        let phoneGroup = phoneNumber.flatMap { phoneOwners[$0] }.flatMap { row(id: $0)?.primaryID }
        var result: [Contact] = []
        if let emailGroup { appendMembers(ofPrimary: emailGroup, to: &result) }
        if let phoneGroup, phoneGroup != emailGroup { appendMembers(ofPrimary: phoneGroup, to: &result) }
        return result
    }

    /// Rows after `afterID` in id order, at most `limit`.
    func contacts(afterID: Int, limit: Int) -> [Contact] {
        guard limit > 0 else { return [] }
        let low = firstPosition { $0 <= afterID }
        return Array(rows[low..<min(rows.count, low + min(limit, rows.count))])
    }

    /// Applies a decided change.
    ///
    /// The resulting group is ``ContactChange/applied(to:insertedID:)`` of the matched rows,
    /// which the caller already holds: building it here again would cost a lookup per member.
    ///
    /// - Returns: The inserted row's id, for the insert changes.
    @discardableResult
    mutating func apply(_ change: ContactChange) -> Int? {
        switch change {
        case .none:
            return nil
        case .insertPrimary(let email, let phoneNumber, let createdAt):
            let id = nextID
            append(
                Contact(
                    id: id, email: email, phoneNumber: phoneNumber, linkedId: nil,
                    linkPrecedence: .primary, createdAt: createdAt, updatedAt: createdAt))
            return id
        case .insertSecondary(let email, let phoneNumber, let primaryID, let createdAt):
            let id = nextID
            append(
                Contact(
                    id: id, email: email, phoneNumber: phoneNumber, linkedId: primaryID,
                    linkPrecedence: .secondary, createdAt: createdAt, updatedAt: createdAt))
            return id
        case .merge(let primaryID, let demotedPrimaryID, let updatedAt):
            let moved = [demotedPrimaryID] + (secondaries.removeValue(forKey: demotedPrimaryID) ?? [])
            for id in moved {
                guard let position = position(of: id) else { continue }
                rows[position].linkedId = primaryID
                rows[position].linkPrecedence = .secondary
                rows[position].updatedAt = updatedAt
            }
            secondaries[primaryID, default: []].append(contentsOf: moved)
            return nil
        }
    }

    /// Appends a row whose id is greater than every id in the table, and indexes it if live.
    ///
    /// - Parameter indexingValues: `false` leaves the email and phone number indexes to one
    ///   ``indexValues()`` call after the last row, which is how a large table is loaded.
    mutating func append(_ row: Contact, indexingValues: Bool = true) {
        rows.append(row)
        nextID = max(nextID, row.id + 1)
        guard row.isLive else { return }
        if indexingValues {
            if let email = row.email { Self.claim(&emailOwners[email], for: row.id) }
            if let phone = row.phoneNumber { Self.claim(&phoneOwners[phone], for: row.id) }
        }
        if let primaryID = row.linkedId { secondaries[primaryID, default: []].append(row.id) }
    }

    /// Rebuilds the email and phone number indexes from the rows.
    ///
    /// Loading spends most of its time hashing values into these two indexes, and they are
    /// independent: each is built on its own thread, which shortens a reopen on a machine
    /// with two cores.
    mutating func indexValues() {
        let rows = self.rows
        let emailOwners = Mutex<[String: Int]>([:])
        let phoneOwners = Mutex<[String: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            var owners: [String: Int] = [:]
            // Regrowing rehashes every value: reserve for the rows holding one (an upper bound).
            owners.reserveCapacity(rows.count { (part == 0 ? $0.email : $0.phoneNumber) != nil })
            for row in rows where row.isLive {
                if let key = part == 0 ? row.email : row.phoneNumber { Self.claim(&owners[key], for: row.id) }
            }
            if part == 0 {
                emailOwners.withLock { $0 = owners }
            } else {
                phoneOwners.withLock { $0 = owners }
            }
        }
        self.emailOwners = emailOwners.withLock { $0 }
        self.phoneOwners = phoneOwners.withLock { $0 }
    }

    /// Makes `id` the owner of a value that has none. Called as `claim(&owners[value], ...)`,
    /// so the dictionary hashes the value once, not once to look and once to insert.
    private static func claim(_ owner: inout Int?, for id: Int) {
        if owner == nil { owner = id }
    }
}
