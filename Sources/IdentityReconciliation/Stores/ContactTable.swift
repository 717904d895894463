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
    /// A row with its place in its group's member list.
    ///
    /// The list lives in the rows themselves, so walking a group reads nothing but its rows.
    private struct Row {
        var contact: Contact
        /// The position + 1 of the group's next member; 0 ends the list.
        var next: UInt32 = 0
        /// For a primary with secondaries, the position + 1 of its list's last member; else 0.
        var last: UInt32 = 0
    }

    /// Every row, live and deleted, in ascending id order. A row never moves, so the
    /// indexes and member lists hold positions in this array.
    private var storage: [Row] = []
    /// For each email of a live row, the position of one live row holding it.
    private var emailOwners = ValueIndex()
    /// For each phone number of a live row, the position of one live row holding it.
    private var phoneOwners = ValueIndex()
    /// Live secondaries appended before their primary (possible only in imported rows, where
    /// a secondary may have the smaller id), by primary id; they join its list when it comes.
    private var waitingForPrimary: [Int: [Int]] = [:]
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

    var isEmpty: Bool { storage.isEmpty }

    /// The number of rows, live and deleted.
    var count: Int { storage.count }

    /// The largest id in the table, or `nil` when it is empty.
    var lastID: Int? { storage.last?.contact.id }

    /// Every row, live and deleted, in ascending id order. Copies them: O(rows).
    var rows: [Contact] { storage.map(\.contact) }

    /// The rows at these positions (ascending id order, like ``rows``).
    func rows(at positions: Range<Int>) -> [Contact] {
        storage[positions].map(\.contact)
    }

    /// Reserves room for `count` rows, so that loading a large store does not regrow them.
    mutating func reserveCapacity(_ count: Int) {
        storage.reserveCapacity(count)
    }

    /// The position of the row with this id.
    private func position(of id: Int) -> Int? {
        guard let first = storage.first?.contact.id else { return nil }
        // Ids are usually dense, so the row is normally at `id - first`. Any `id` may be
        // asked for (a caller's `Int.min`), so the subtraction must not trap.
        let (guess, overflow) = id.subtractingReportingOverflow(first)
        if !overflow && guess >= 0 && guess < storage.count && storage[guess].contact.id == id { return guess }
        let low = firstPosition { $0 < id }
        return low < storage.count && storage[low].contact.id == id ? low : nil
    }

    /// The first position whose row id no longer satisfies `isBefore`, by binary search;
    /// `isBefore` must hold for a prefix of the ids in ascending order.
    private func firstPosition(where isBefore: (Int) -> Bool) -> Int {
        var low = 0
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(storage[middle].contact.id) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The row with this id, live or deleted.
    func row(id: Int) -> Contact? {
        position(of: id).map { storage[$0].contact }
    }

    /// The live rows of the group whose primary is `primaryID`.
    func members(ofPrimary primaryID: Int) -> [Contact] {
        var result: [Contact] = []
        result.reserveCapacity(8)
        if let primary = position(of: primaryID) { appendMembers(ofPrimaryAt: primary, to: &result) }
        return result
    }

    /// Appends the rows of the group whose primary is at `primary`, primary first and the
    /// others in the order they joined (id order, unless merges moved whole groups in).
    private func appendMembers(ofPrimaryAt primary: Int, to result: inout [Contact]) {
        var member = primary
        while true {
            result.append(storage[member].contact)
            let next = storage[member].next
            if next == 0 { return }
            member = Int(next) - 1
        }
    }

    /// The live rows of the group containing the live row `id`, or empty.
    func group(containing id: Int) -> [Contact] {
        guard let row = row(id: id), row.isLive else { return [] }
        return members(ofPrimary: row.primaryID)
    }

    /// The matched rows for a request (see ``ContactStore``).
    func matchedRows(email: String?, phoneNumber: String?) -> [Contact] {
        // Both lookups start before either finishes, so that their memory reads overlap.
        let emailProbe = email.flatMap { emailOwners.probe($0) }
        let phoneProbe = phoneNumber.flatMap { phoneOwners.probe($0) }
        var emailGroup: Int?
        if let email, let emailProbe,
            let owner = emailOwners.position(of: email, from: emailProbe, valueAt: { storage[$0].contact.email })
        {
            emailGroup = primaryPosition(ofRowAt: owner)
        }
        var phoneGroup: Int?
        if let phoneNumber, let phoneProbe,
            let owner = phoneOwners.position(
                of: phoneNumber, from: phoneProbe, valueAt: { storage[$0].contact.phoneNumber })
        {
            phoneGroup = primaryPosition(ofRowAt: owner)
        }
        guard emailGroup != nil || phoneGroup != nil else { return [] }
        var result: [Contact] = []
        // Most requests match a group or two of a few rows: one allocation, never regrown.
        result.reserveCapacity(8)
        if let emailGroup { appendMembers(ofPrimaryAt: emailGroup, to: &result) }
        if let phoneGroup, phoneGroup != emailGroup { appendMembers(ofPrimaryAt: phoneGroup, to: &result) }
        return result
    }

    /// The position of the primary of the row at `position`.
    private func primaryPosition(ofRowAt position: Int) -> Int? {
        guard let primaryID = storage[position].contact.linkedId else { return position }
        return self.position(of: primaryID)
    }

    /// Rows after `afterID` in id order, at most `limit`.
    func contacts(afterID: Int, limit: Int) -> [Contact] {
        guard limit > 0 else { return [] }
        let low = firstPosition { $0 <= afterID }
        return rows(at: low..<min(storage.count, low + min(limit, storage.count)))
    }

    /// Applies a decided change that passed ``ContactChange/check(against:)``.
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
            guard let survivor = position(of: primaryID), let demoted = position(of: demotedPrimaryID) else {
                return nil
            }
            var member = demoted
            while true {
                storage[member].contact.linkedId = primaryID
                storage[member].contact.linkPrecedence = .secondary
                storage[member].contact.updatedAt = updatedAt
                let next = storage[member].next
                if next == 0 { break }
                member = Int(next) - 1
            }
            // Splice the demoted list (demoted primary first) after the survivor's last member.
            let demotedLast = storage[demoted].last == 0 ? UInt32(demoted + 1) : storage[demoted].last
            storage[demoted].last = 0
            let survivorLast = storage[survivor].last == 0 ? survivor : Int(storage[survivor].last) - 1
            storage[survivorLast].next = UInt32(demoted + 1)
            storage[survivor].last = demotedLast
            return nil
        }
    }

    /// Appends a row whose id is greater than every id in the table, and indexes it if live.
    ///
    /// - Parameter indexingValues: `false` leaves the email and phone number indexes to one
    ///   ``indexValues()`` call after the last row, which is how a large table is loaded.
    mutating func append(_ row: Contact, indexingValues: Bool = true) {
        // Positions are stored in 32 bits; 4 billion rows would need hundreds of gigabytes first.
        precondition(storage.count < Int(UInt32.max) - 1, "ContactTable: more than 4,294,967,293 rows")
        let position = storage.count
        storage.append(Row(contact: row))
        nextID = max(nextID, row.id + 1)
        guard row.isLive else { return }
        if indexingValues {
            if let email = row.email { emailOwners.claim(email, for: position) { storage[$0].contact.email } }
            if let phone = row.phoneNumber {
                phoneOwners.claim(phone, for: position) { storage[$0].contact.phoneNumber }
            }
        }
        if let primaryID = row.linkedId {
            if let primary = self.position(of: primaryID) {
                link(position, toGroupAt: primary)
            } else {
                waitingForPrimary[primaryID, default: []].append(position)
            }
        } else if !waitingForPrimary.isEmpty, let members = waitingForPrimary.removeValue(forKey: row.id) {
            for member in members { link(member, toGroupAt: position) }
        }
    }

    /// Adds the row at `member` to the end of the list of the primary at `primary`.
    private mutating func link(_ member: Int, toGroupAt primary: Int) {
        let last = storage[primary].last == 0 ? primary : Int(storage[primary].last) - 1
        storage[last].next = UInt32(member + 1)
        storage[primary].last = UInt32(member + 1)
    }

    /// Rebuilds the email and phone number indexes from the rows.
    ///
    /// Loading spends most of its time hashing values into these two indexes, and they are
    /// independent: each is built on its own thread, which shortens a reopen on a machine
    /// with two cores.
    mutating func indexValues() {
        let rows = self.storage
        let emailOwners = Mutex(ValueIndex())
        let phoneOwners = Mutex(ValueIndex())
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            rows.withUnsafeBufferPointer { rows in
                // Each thread reads only its own field through the buffer: copying whole rows
                // would retain and release the other thread's strings too, and the two cores
                // would fight over their reference counts.
                func value(at position: Int) -> String? {
                    part == 0 ? rows[position].contact.email : rows[position].contact.phoneNumber
                }
                // Reserving for the rows holding a value (an upper bound) means the index never grows.
                var owners = ValueIndex(capacity: rows.indices.count { value(at: $0) != nil })
                for position in rows.indices where rows[position].contact.deletedAt == nil {
                    if let key = value(at: position) { owners.claim(key, for: position, valueAt: value(at:)) }
                }
                if part == 0 {
                    emailOwners.withLock { $0 = owners }
                } else {
                    phoneOwners.withLock { $0 = owners }
                }
            }
        }
        self.emailOwners = emailOwners.withLock { $0 }
        self.phoneOwners = phoneOwners.withLock { $0 }
    }
}
