import Dispatch

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rows and links of a store with the indexes that make every transaction cost
/// O(size of the groups touched): hash indexes by email and by phone number, each group's
/// member list, and indexes of the deleted rows and of the links by value.
///
/// A value type with no I/O: ``InMemoryContactStore`` keeps one behind a mutex, and the
/// file store rebuilds one from its file on open. It reads selections and persists checked
/// plans exactly as ``ContactStore`` defines them, and decides nothing: what a plan does to
/// the rows comes computed in the ``CheckedContactPlan``.
struct ContactTable: Sendable {
    /// A row with its place in its group's member list.
    ///
    /// The list lives in the rows themselves, so walking a group reads nothing but its rows.
    /// Only live rows are on a list, and only a live primary heads one. The secondaries form
    /// a ring entered from the primary, whose ``next`` is the newest member; each member's
    /// ``next`` is the one that joined after it, the newest one's the oldest. One field thus
    /// serves walking a group in join order and appending to it in O(1), and a row takes 80
    /// bytes (a ``Contact``'s 75 and this 4-byte link) instead of the 88 that a separate
    /// pointer to the list's end would make it.
    private struct Row {
        var contact: Contact
        /// The position + 1 of: for a primary, its newest secondary (0 when it has none); for
        /// a secondary on a list, the member after it.
        var next: UInt32 = 0
    }

    /// The bytes one row takes in the table, strings aside.
    static var rowStride: Int { MemoryLayout<Row>.stride }

    /// Every row, live and deleted, in ascending id order. A row never moves, so the
    /// indexes and member lists hold positions in this array.
    private var storage: [Row] = []
    /// For each email of a live row, the position of one live row holding it.
    private var emailOwners = ValueIndex()
    /// For each phone number of a live row, the position of one live row holding it.
    private var phoneOwners = ValueIndex()
    /// The deleted rows' positions by email, by phone number and by `linkedId`, for
    /// selections that include deleted rows. Deleted rows are few: plain dictionaries serve.
    private var deletedByEmail: [String: [Int]] = [:]
    private var deletedByPhone: [String: [Int]] = [:]
    private var deletedByLinkedID: [Int: [Int]] = [:]
    /// Every link, and again under its email and under its phone number. Kept in ascending
    /// order only when a reader needs the order: inserting each link in place would move
    /// half the list, which over a store's life is quadratic in its number of links.
    private var allLinks: [ContactLink] = []
    private var allLinksAreSorted = true
    private var linksByEmail: [String: ValueLinks] = [:]
    private var linksByPhone: [String: ValueLinks] = [:]
    /// Live secondaries appended before their primary (possible only in imported rows, where
    /// a secondary may have the smaller id), by primary id; they join its list when it comes.
    private var waitingForPrimary: [Int: [Int]] = [:]
    /// The id the next inserted row gets.
    private(set) var nextID = 1
    /// The number of links.
    var linkCount: Int { allLinks.count }

    init() {}

    /// Builds a table from checked rows and links.
    init(importing contacts: ContactImport) {
        reserveCapacity(rows: contacts.contacts.count, links: contacts.links.count)
        for row in contacts.contacts {
            append(row, indexingValues: false)
        }
        indexValues()
        for link in contacts.links { add(link) }
    }

    var isEmpty: Bool { storage.isEmpty && linkCount == 0 }

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

    /// Every link in ascending order.
    var links: [ContactLink] { allLinksAreSorted ? allLinks : allLinks.sorted() }

    /// Links after `after` in ascending order, at most `limit`. Sorts the links first when
    /// links were added since the last sort.
    mutating func links(after: ContactLink?, limit: Int) -> [ContactLink] {
        guard limit > 0 else { return [] }
        if !allLinksAreSorted {
            allLinks.sort()
            allLinksAreSorted = true
        }
        let start = after.map { after in Self.firstIndex(in: allLinks) { $0 <= after } } ?? 0
        return Array(allLinks[start..<min(allLinks.count, start + min(limit, allLinks.count))])
    }

    /// The first index of `elements` whose element no longer satisfies `isBefore`, by binary
    /// search; `isBefore` must hold for a prefix of the elements (rows by id, links in order).
    private static func firstIndex<Element>(in elements: [Element], where isBefore: (Element) -> Bool) -> Int {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(elements[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Reserves room for `rows` rows and `links` links, so that loading a large store does
    /// not regrow them: a dictionary keyed by strings hashes every key again when it grows.
    mutating func reserveCapacity(rows: Int, links: Int) {
        storage.reserveCapacity(rows)
        allLinks.reserveCapacity(links)
        linksByEmail.reserveCapacity(links)
        linksByPhone.reserveCapacity(links)
    }

    /// The position of the row with this id.
    private func position(of id: Int) -> Int? {
        guard let first = storage.first?.contact.id else { return nil }
        // Ids are usually dense, so the row is normally at `id - first`. Any `id` may be
        // asked for (a caller's `Int.min`), so the subtraction must not trap.
        let (guess, overflow) = id.subtractingReportingOverflow(first)
        if !overflow && guess >= 0 && guess < storage.count && storage[guess].contact.id == id { return guess }
        let low = Self.firstIndex(in: storage) { $0.contact.id < id }
        return low < storage.count && storage[low].contact.id == id ? low : nil
    }

    /// The row with this id, live or deleted.
    func row(id: Int) -> Contact? {
        position(of: id).map { storage[$0].contact }
    }

    // MARK: - Reading

    /// What a transaction or a read of `selection` sees (see ``ContactSelection``).
    func select(_ selection: ContactSelection) -> SelectedContacts {
        if selection.contactID == nil && !selection.includesDeletedRows && !selection.includesLinks {
            return SelectedContacts(rows: matchedRows(email: selection.email, phoneNumber: selection.phoneNumber))
        }
        var primaries: [Int] = []
        func select(primaryOf position: Int?) {
            guard let position, let primary = primaryPosition(ofRowAt: position), !primaries.contains(primary) else {
                return
            }
            primaries.append(primary)
        }
        if let email = selection.email {
            select(primaryOf: emailOwners.position(of: email) { storage[$0].contact.email })
        }
        if let phoneNumber = selection.phoneNumber {
            select(primaryOf: phoneOwners.position(of: phoneNumber) { storage[$0].contact.phoneNumber })
        }
        let idPosition = selection.contactID.flatMap { position(of: $0) }
        if let idPosition, storage[idPosition].contact.isLive { select(primaryOf: idPosition) }
        var rows: [Contact] = []
        for primary in primaries { appendMembers(ofPrimaryAt: primary, to: &rows) }
        if selection.includesDeletedRows {
            var deleted = Set<Int>()
            func holders(email: String?, phoneNumber: String?) {
                if let email, let found = deletedByEmail[email] { deleted.formUnion(found) }
                if let phoneNumber, let found = deletedByPhone[phoneNumber] { deleted.formUnion(found) }
            }
            holders(email: selection.email, phoneNumber: selection.phoneNumber)
            for row in rows {
                holders(email: row.email, phoneNumber: row.phoneNumber)
                if let found = deletedByLinkedID[row.id] { deleted.formUnion(found) }
            }
            if let idPosition, !storage[idPosition].contact.isLive { deleted.insert(idPosition) }
            for position in deleted.sorted() { rows.append(storage[position].contact) }
        }
        var links: [ContactLink] = []
        if selection.includesLinks && linkCount > 0 {
            var found = Set<ContactLink>()
            func collect(email: String?, phoneNumber: String?) {
                if let email { linksByEmail[email]?.forEach { found.insert($0) } }
                if let phoneNumber { linksByPhone[phoneNumber]?.forEach { found.insert($0) } }
            }
            collect(email: selection.email, phoneNumber: selection.phoneNumber)
            for row in rows where row.isLive { collect(email: row.email, phoneNumber: row.phoneNumber) }
            links = Array(found)
        }
        return SelectedContacts(rows: rows, links: links)
    }

    /// What a recorded plan naming these contacts read: the live group of each live one,
    /// each deleted one itself, and the links of `linkValues` and (unless
    /// `includingLinksOfRows` is `false`) of the live rows' values. Uses no value index, so it
    /// works while a file is loading.
    func select(
        groupsOf ids: [Int], linkValues: (emails: [String], phoneNumbers: [String]) = ([], []),
        includingLinksOfRows: Bool = true
    ) -> SelectedContacts {
        var primaries: [Int] = []
        primaries.reserveCapacity(ids.count)
        var rows: [Contact] = []
        rows.reserveCapacity(8)
        var deleted: [Contact] = []
        for id in ids {
            guard let position = position(of: id) else { continue }
            guard storage[position].contact.isLive else {
                deleted.append(storage[position].contact)
                continue
            }
            guard let primary = primaryPosition(ofRowAt: position), !primaries.contains(primary) else { continue }
            primaries.append(primary)
            appendMembers(ofPrimaryAt: primary, to: &rows)
        }
        if !deleted.isEmpty { rows += deleted }
        guard linkCount > 0 else { return SelectedContacts(rows: rows) }
        guard includingLinksOfRows else {
            return SelectedContacts(
                rows: rows, links: links(ofEmails: linkValues.emails, phoneNumbers: linkValues.phoneNumbers))
        }
        var emails = linkValues.emails
        var phoneNumbers = linkValues.phoneNumbers
        for row in rows where row.isLive {
            if let email = row.email { emails.append(email) }
            if let phoneNumber = row.phoneNumber { phoneNumbers.append(phoneNumber) }
        }
        return SelectedContacts(rows: rows, links: links(ofEmails: emails, phoneNumbers: phoneNumbers))
    }

    /// The links holding one of the emails or one of the phone numbers, each once.
    private func links(ofEmails emails: [String], phoneNumbers: [String]) -> [ContactLink] {
        if emails.count <= 1 && phoneNumbers.count <= 1 {
            // A merge's replay: one link's values. A link is listed under its email and under
            // its phone number, so the phone number's links with that email are listed already.
            var result: [ContactLink] = []
            if let email = emails.first { linksByEmail[email]?.forEach { result.append($0) } }
            if let phoneNumber = phoneNumbers.first {
                linksByPhone[phoneNumber]?.forEach { if $0.email != emails.first { result.append($0) } }
            }
            return result
        }
        var found = Set<ContactLink>()
        for email in emails { linksByEmail[email]?.forEach { found.insert($0) } }
        for phoneNumber in phoneNumbers { linksByPhone[phoneNumber]?.forEach { found.insert($0) } }
        return Array(found)
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
        result.append(storage[primary].contact)
        // A secondary's `next` points along its primary's ring, not at a ring of its own.
        guard storage[primary].next != 0, headsList(primary) else { return }
        let newest = Int(storage[primary].next) - 1
        var member = Int(storage[newest].next) - 1
        while true {
            result.append(storage[member].contact)
            if member == newest { return }
            member = Int(storage[member].next) - 1
        }
    }

    /// The matched rows of an identify request: every live row of each group with a live
    /// row holding the email or the phone number.
    private func matchedRows(email: String?, phoneNumber: String?) -> [Contact] {
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
        let low = Self.firstIndex(in: storage) { $0.contact.id <= afterID }
        return rows(at: low..<min(storage.count, low + min(limit, storage.count)))
    }

    /// The first live row, in id order, that breaks a rule the member lists rely on: a live
    /// primary has no `linkedId`, a live secondary links to a live primary, and no secondary is
    /// older than its primary. Rows kept by the rules never do; a file's snapshot records are
    /// taken as written, so the file store checks them with this when it opens. O(rows), and no
    /// hashing: dense ids find each primary by subtraction.
    func firstBrokenGroup() -> ContactInvariantViolation? {
        // By position, reading fields in place: copying each row would retain and release
        // its strings, most of this pass's cost on a million rows.
        for position in storage.indices where storage[position].contact.isLive {
            let id = storage[position].contact.id
            switch (storage[position].contact.linkPrecedence, storage[position].contact.linkedId) {
            case (.primary, nil):
                continue
            case (.primary, .some(let linked)):
                return .init(kind: .precedenceMismatch, contactID: id, message: "primary has linkedId \(linked)")
            case (.secondary, nil):
                return .init(kind: .precedenceMismatch, contactID: id, message: "secondary has no linkedId")
            case (.secondary, .some(let linked)):
                guard let primary = self.position(of: linked), headsList(primary),
                    storage[primary].contact.linkPrecedence == .primary
                else {
                    return .init(kind: .brokenLink, contactID: id, message: "linkedId \(linked) is not a live primary")
                }
                if (storage[position].contact.createdAt, id) < (storage[primary].contact.createdAt, linked) {
                    return .init(
                        kind: .primaryNotOldest, contactID: linked,
                        message: "primary of its group, but contact \(id) is older")
                }
            }
        }
        return nil
    }

    // MARK: - Writing

    /// Throws when `plan` inserts more rows than ids are left: ids stay below `Int.max`
    /// (see ``ContactInvariants``), so once a row holds `Int.max - 1` no row can be added.
    ///
    /// - Throws: ``ContactStoreError/invalidPlan(_:reason:)``; the caller writes nothing.
    func checkIDsLeft(for plan: borrowing CheckedContactPlan) throws(ContactStoreError) {
        let left = Int.max - nextID
        guard plan.insertCount > left else { return }
        throw .invalidPlan(
            plan.plan, reason: "it inserts \(plan.insertCount) row(s), but \(left) id(s) below Int.max are left")
    }

    /// The ids the next `count` inserted rows get (``checkIDsLeft(for:)`` first).
    func nextIDs(_ count: Int) -> [Int] {
        // An identify inserts one row or none: skip the generic copy of a range.
        switch count {
        case 0: []
        case 1: [nextID]
        default: Array(nextID..<(nextID + count))
        }
    }

    /// Persists a checked plan (see ``ContactStore``): updates its rows in place, then its
    /// links, then inserts its new rows.
    ///
    /// - Parameters:
    ///   - insertedIDs: The ids of the inserted rows, ``nextIDs(_:)`` of the plan's insert count.
    ///   - indexingValues: `false` while a file is loaded, whose indexes are built once at the
    ///     end by ``indexValues()``.
    mutating func persist(_ plan: CheckedContactPlan, insertedIDs: [Int], indexingValues: Bool = true) {
        if !plan.updatedRows.isEmpty {
            update(plan.updatedRows, before: plan.selected.rows, after: plan.rowsAfter, indexingValues: indexingValues)
        }
        for link in plan.removedLinks { remove(link) }
        for link in plan.addedLinks { add(link) }
        plan.forEachInsertedRow(ids: insertedIDs) { append($0, indexingValues: indexingValues) }
    }

    /// Stores changed rows and brings the indexes and the member lists of their groups up
    /// to date. `before` and `after` are the plan's selected rows, which hold every live
    /// row of every group the change touches.
    private mutating func update(_ updated: [Contact], before: [Contact], after: [Contact], indexingValues: Bool) {
        // The member lists of the groups touched are rebuilt from the rows after the plan.
        for row in before where row.isLive {
            guard let position = position(of: row.id) else { continue }
            storage[position].next = 0
        }
        for new in updated {
            guard let position = position(of: new.id) else { continue }
            let old = storage[position].contact
            storage[position].contact = new
            if !old.isLive { unindexDeleted(old, at: position) }
            if !new.isLive { indexDeleted(new, at: position) }
            guard indexingValues else { continue }
            let (oldEmail, newEmail) = (old.isLive ? old.email : nil, new.isLive ? new.email : nil)
            if oldEmail != newEmail {
                if let oldEmail {
                    // Another live row of the group may hold the value too: it takes over.
                    let heir = after.first { $0.isLive && $0.id != new.id && $0.email == oldEmail }
                    emailOwners.release(oldEmail, from: position, to: heir.flatMap { self.position(of: $0.id) })
                }
                if let newEmail { emailOwners.claim(newEmail, for: position) { storage[$0].contact.email } }
            }
            let (oldPhone, newPhone) = (old.isLive ? old.phoneNumber : nil, new.isLive ? new.phoneNumber : nil)
            if oldPhone != newPhone {
                if let oldPhone {
                    let heir = after.first { $0.isLive && $0.id != new.id && $0.phoneNumber == oldPhone }
                    phoneOwners.release(oldPhone, from: position, to: heir.flatMap { self.position(of: $0.id) })
                }
                if let newPhone { phoneOwners.claim(newPhone, for: position) { storage[$0].contact.phoneNumber } }
            }
        }
        for row in after where row.isLive {
            guard let primaryID = row.linkedId, let member = position(of: row.id), let primary = position(of: primaryID)
            else { continue }
            link(member, toGroupAt: primary)
        }
    }

    /// Records a link under both of its values.
    mutating func add(_ link: ContactLink) {
        if allLinksAreSorted, let last = allLinks.last, !(last < link) { allLinksAreSorted = false }
        allLinks.append(link)
        linksByEmail[link.email, default: .empty].add(link)
        linksByPhone[link.phoneNumber, default: .empty].add(link)
    }

    /// Forgets a link.
    private mutating func remove(_ link: ContactLink) {
        guard Self.remove(link, under: link.email, from: &linksByEmail) else { return }
        Self.remove(link, under: link.phoneNumber, from: &linksByPhone)
        if allLinksAreSorted {
            let index = Self.firstIndex(in: allLinks) { $0 < link }
            if index < allLinks.count && allLinks[index] == link { allLinks.remove(at: index) }
        } else if let index = allLinks.firstIndex(of: link) {
            allLinks.remove(at: index)
        }
    }

    /// Removes `link` from the links listed under `value`; whether it was listed.
    @discardableResult
    private static func remove(
        _ link: ContactLink, under value: String, from index: inout [String: ValueLinks]
    ) -> Bool {
        guard var links = index[value], links.remove(link) else { return false }
        index[value] = links.isEmpty ? nil : links
        return true
    }

    /// Adds a deleted row to the indexes of deleted rows.
    private mutating func indexDeleted(_ row: Contact, at position: Int) {
        if let email = row.email { deletedByEmail[email, default: []].append(position) }
        if let phone = row.phoneNumber { deletedByPhone[phone, default: []].append(position) }
        if let linkedId = row.linkedId { deletedByLinkedID[linkedId, default: []].append(position) }
    }

    /// Removes a deleted row, as it was, from the indexes of deleted rows.
    private mutating func unindexDeleted(_ row: Contact, at position: Int) {
        func drop<Key: Hashable>(_ key: Key?, from index: inout [Key: [Int]]) {
            guard let key, var positions = index[key] else { return }
            positions.removeAll { $0 == position }
            index[key] = positions.isEmpty ? nil : positions
        }
        drop(row.email, from: &deletedByEmail)
        drop(row.phoneNumber, from: &deletedByPhone)
        drop(row.linkedId, from: &deletedByLinkedID)
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
        guard row.isLive else {
            indexDeleted(row, at: position)
            return
        }
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

    /// Whether the row at `position` can head a member list: only a live primary does.
    private func headsList(_ position: Int) -> Bool {
        storage[position].contact.linkedId == nil && storage[position].contact.isLive
    }

    /// Adds the row at `member` to the end of the list of the primary at `primary`.
    private mutating func link(_ member: Int, toGroupAt primary: Int) {
        // Rows that keep the invariants link only to live primaries. A damaged file's rows may
        // name a secondary or a deleted row: such a row joins no list (verify() reports it),
        // because entering another list's ring could make a walk of it endless.
        guard headsList(primary) else { return }
        let newest = storage[primary].next
        // The new member follows the newest one and becomes the newest, pointing at the oldest.
        storage[member].next = newest == 0 ? UInt32(member + 1) : storage[Int(newest) - 1].next
        if newest != 0 { storage[Int(newest) - 1].next = UInt32(member + 1) }
        storage[primary].next = UInt32(member + 1)
    }

    /// Rebuilds the email and phone number indexes from the rows.
    ///
    /// Loading spends most of its time hashing values into these two indexes, and they are
    /// independent: each is built on its own thread, which shortens a reopen on a machine
    /// with two cores.
    mutating func indexValues() {
        let rows = self.storage
        let emailOwners = StoreLock(ValueIndex())
        let phoneOwners = StoreLock(ValueIndex())
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

extension ContactTable {
    /// The links listed under one value. Nearly every value is in one link or none, so one
    /// link is kept inline instead of in an array of its own: an allocation less for each
    /// value a merge links, and less memory.
    private enum ValueLinks {
        case empty
        case one(ContactLink)
        case many([ContactLink])

        var isEmpty: Bool {
            if case .empty = self { true } else { false }
        }

        func forEach(_ body: (ContactLink) -> Void) {
            switch self {
            case .empty: break
            case .one(let link): body(link)
            case .many(let links): links.forEach(body)
            }
        }

        mutating func add(_ link: ContactLink) {
            switch self {
            case .empty: self = .one(link)
            case .one(let first): self = .many([first, link])
            case .many(var links):
                // Give up this value's hold on the array first, so that appending does not copy it.
                self = .empty
                links.append(link)
                self = .many(links)
            }
        }

        /// Removes `link`; whether it was there.
        mutating func remove(_ link: ContactLink) -> Bool {
            switch self {
            case .empty: return false
            case .one(let only):
                guard only == link else { return false }
                self = .empty
            case .many(var links):
                guard let index = links.firstIndex(of: link) else { return false }
                self = .empty
                links.remove(at: index)
                self = links.count == 1 ? .one(links[0]) : .many(links)
            }
            return true
        }
    }
}
