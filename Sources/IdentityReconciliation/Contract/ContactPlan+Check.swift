#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ContactPlan {
    /// Checks the plan against the rows and links it was decided on and computes what it
    /// does to them: the one place where a plan's writes are given their meaning.
    ///
    /// The library calls this inside every transaction, between deciding and persisting
    /// (``ContactStore/commit(reading:decide:)``), so a store only persists plans that keep
    /// ``ContactInvariants``. A plan may only touch the rows and links it read:
    /// - ``ContactWrite/relinkGroup(primaryID:survivorID:updatedAt:)`` joins two distinct
    ///   live primaries among the rows, the survivor being the older by (`createdAt`, `id`);
    /// - ``ContactWrite/setLink(contactID:linkedId:updatedAt:)`` and
    ///   ``ContactWrite/delete(contactID:at:)`` change live rows among them, and
    ///   ``ContactWrite/clearValues(contactID:email:phoneNumber:updatedAt:)`` a row among them
    ///   that holds the value; afterwards the rows and links must satisfy
    ///   ``ContactInvariants/violations(in:links:)`` (each group one person by its values and
    ///   links, no link left dangling) and every live row must hold a value;
    /// - ``ContactWrite/insert(email:phoneNumber:linkedId:createdAt:)`` has a value, links to
    ///   a live primary among the rows (after the plan) no newer than itself and shares a value
    ///   with its group, and brings no value that a live row of another group holds;
    /// - ``ContactWrite/addLink(_:)`` joins an email and a phone number held by live rows of one
    ///   group after the plan, and is not recorded yet; ``ContactWrite/removeLink(_:)``
    ///   removes a link among the selected ones.
    ///
    /// Every date a write carries must be in ``Contact/isValidDate(_:)``.
    ///
    /// Inserted rows have no id until the store assigns one, so no write can refer to them.
    ///
    /// - Parameter selected: What the transaction read.
    /// - Returns: The checked plan, with the rows after it.
    /// - Throws: ``ContactStoreError/invalidPlan(_:reason:)`` naming the rule the plan breaks.
    public consuming func checked(
        against selected: consuming SelectedContacts
    ) throws(ContactStoreError) -> CheckedContactPlan {
        for write in writes {
            if let reason = write.dateOutOfRange { throw .invalidPlan(self, reason: reason) }
        }
        if writes.allSatisfy({ if case .insert = $0 { true } else { false } }) {
            // Inserts (and an empty plan) change no existing row and no link: what identify
            // decides nearly always, checked on the rows as read, without copying them.
            if let reason = PlanApplication.checkInserts(writes, rows: selected.rows) {
                throw .invalidPlan(self, reason: reason)
            }
            return CheckedContactPlan(inserting: self, selected: selected)
        }
        // Only a plan with two writes that change rows can change one row twice (a merge is
        // one relink and a link).
        let rowWrites = writes.count {
            switch $0 {
            case .relinkGroup, .setLink, .delete, .clearValues: true
            case .insert, .addLink, .removeLink: false
            }
        }
        var work = PlanApplication(
            selected: selected, tracksRepeats: rowWrites > 1, needsGroupCheck: checkNeedsLinksOfGroups)
        for write in writes {
            if let reason = work.apply(write) { throw .invalidPlan(self, reason: reason) }
        }
        if let reason = work.finish(inserts: writes) { throw .invalidPlan(self, reason: reason) }
        let selectedLinks = selected.links
        // With no link selected (a merge's new link, usually), every link is an added one.
        let addedLinks = selectedLinks.isEmpty ? work.links : work.links.filter { !selectedLinks.contains($0) }
        let removedLinks = selectedLinks.isEmpty ? [] : selectedLinks.filter { !work.links.contains($0) }
        return CheckedContactPlan(
            plan: self, selected: selected, rowsAfter: work.rows, updatedRows: work.changed.map { work.rows[$0] },
            addedLinks: addedLinks, removedLinks: removedLinks, insertCount: work.insertCount)
    }
}

extension ContactPlan {
    /// Whether ``checked(against:)`` reads the links of the values of the groups the plan
    /// touches, or only those of its own link writes' values. Only writes that change a
    /// single row (``ContactWrite/setLink(contactID:linkedId:updatedAt:)``,
    /// ``ContactWrite/delete(contactID:at:)``, ``ContactWrite/clearValues(contactID:email:phoneNumber:updatedAt:)``)
    /// make it check the groups against their links; a merge (a relink and its link) does not,
    /// so a store replaying one need not collect the groups' links.
    var checkNeedsLinksOfGroups: Bool {
        writes.contains {
            switch $0 {
            case .setLink, .delete, .clearValues: true
            case .insert, .relinkGroup, .addLink, .removeLink: false
            }
        }
    }
}

/// The selected rows and links while a plan's writes are applied to them one by one.
///
/// Each method returns the reason the write cannot be applied, or `nil`.
private struct PlanApplication {
    var rows: [Contact]
    var links: [ContactLink]
    /// The links as selected, before the plan.
    let originalLinks: [ContactLink]
    /// Positions in ``rows`` of the rows changed, in the order first changed.
    var changed: [Int] = []
    var insertCount = 0
    /// Whether a write changes a single row's link, liveness or values
    /// (``ContactPlan/checkNeedsLinksOfGroups``): the groups must then be checked as a whole
    /// at the end.
    let needsGroupCheck: Bool
    /// Set when a row may change twice, so that ``changed`` lists it once.
    private var changedSet: Set<Int>?
    /// Row positions by id, built on first use once there are too many rows to scan.
    private var positions: [Int: Int]?

    init(selected: borrowing SelectedContacts, tracksRepeats: Bool, needsGroupCheck: Bool) {
        self.needsGroupCheck = needsGroupCheck
        rows = selected.rows
        links = selected.links
        originalLinks = selected.links
        if tracksRepeats { changedSet = [] }
    }

    mutating func position(of id: Int) -> Int? {
        if rows.count <= 32 { return rows.firstIndex { $0.id == id } }
        if positions == nil {
            positions = Dictionary(rows.indices.map { (rows[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return positions?[id]
    }

    mutating func markChanged(_ position: Int) {
        if changedSet == nil || changedSet!.insert(position).inserted { changed.append(position) }
    }

    mutating func livePrimary(_ id: Int) -> Contact? {
        guard let position = position(of: id), rows[position].isLive, rows[position].linkedId == nil else {
            return nil
        }
        return rows[position]
    }

    mutating func apply(_ write: ContactWrite) -> String? {
        switch write {
        case .insert:
            insertCount += 1
        case .relinkGroup(let primaryID, let survivorID, let updatedAt):
            guard primaryID != survivorID else { return "a group cannot be merged into itself" }
            guard let demoted = livePrimary(primaryID) else {
                return "the demoted primary \(primaryID) is not a live primary among the selected rows"
            }
            guard let survivor = livePrimary(survivorID) else {
                return "the surviving primary \(survivorID) is not a live primary among the selected rows"
            }
            guard survivor.isOlder(than: demoted) else {
                return "contact \(primaryID) is older than \(survivorID), so it must stay primary"
            }
            for index in rows.indices where rows[index].isLive && rows[index].primaryID == primaryID {
                rows[index].linkedId = survivorID
                rows[index].linkPrecedence = .secondary
                rows[index].updatedAt = updatedAt
                markChanged(index)
            }
        case .setLink(let id, let linkedId, let updatedAt):
            guard let position = position(of: id), rows[position].isLive else {
                return "contact \(id) is not a live row among the selected rows"
            }
            if let linkedId {
                guard linkedId != id else { return "contact \(id) cannot link to itself" }
                guard let target = self.position(of: linkedId), rows[target].isLive else {
                    return "contact \(linkedId) is not a live row among the selected rows"
                }
            }
            rows[position].linkedId = linkedId
            rows[position].linkPrecedence = linkedId == nil ? .primary : .secondary
            rows[position].updatedAt = updatedAt
            markChanged(position)
        case .delete(let id, let at):
            guard let position = position(of: id), rows[position].isLive else {
                return "contact \(id) is not a live row among the selected rows"
            }
            rows[position].deletedAt = at
            rows[position].updatedAt = at
            markChanged(position)
        case .clearValues(let id, let email, let phoneNumber, let updatedAt):
            guard let position = position(of: id) else { return "contact \(id) is not among the selected rows" }
            guard email || phoneNumber else { return "clearing contact \(id)'s values clears neither of them" }
            if email {
                guard rows[position].email != nil else { return "contact \(id) holds no email to clear" }
                rows[position].email = nil
            }
            if phoneNumber {
                guard rows[position].phoneNumber != nil else { return "contact \(id) holds no phone number to clear" }
                rows[position].phoneNumber = nil
            }
            rows[position].updatedAt = updatedAt
            markChanged(position)
        case .addLink(let link):
            guard !links.contains(link) else { return "the link \(link.planDescription) is already recorded" }
            links.append(link)
        case .removeLink(let link):
            guard let index = links.firstIndex(of: link) else {
                return "the link \(link.planDescription) is not among the selected links"
            }
            links.remove(at: index)
        }
        return nil
    }

    /// The checks that need the rows after every write: the groups, the inserts and the links.
    func finish(inserts writes: [ContactWrite]) -> String? {
        if needsGroupCheck {
            if let row = changed.lazy.map({ rows[$0] }).first(where: {
                $0.isLive && $0.email == nil && $0.phoneNumber == nil
            }) {
                return "contact \(row.id) would be live with neither an email nor a phone number"
            }
            if let violation = ContactInvariants.violations(in: rows, links: links).first {
                return "the rows would break an invariant: \(violation)"
            }
        }
        if insertCount > 0, let reason = Self.checkInserts(writes, rows: rows) { return reason }
        for link in links where !originalLinks.contains(link) {
            guard let emailGroup = rows.first(where: { $0.isLive && $0.email == link.email })?.primaryID,
                let phoneGroup = rows.first(where: { $0.isLive && $0.phoneNumber == link.phoneNumber })?.primaryID,
                emailGroup == phoneGroup
            else { return "the link \(link.planDescription) does not join values held by one group" }
        }
        return nil
    }

    /// The inserts' rules, on the rows as the plan leaves them.
    static func checkInserts(_ writes: [ContactWrite], rows: [Contact]) -> String? {
        // Values of the rows inserted so far, with the group each joins (nil: its own new group).
        var inserted: [(email: String?, phoneNumber: String?, group: Int?)] = []
        for index in writes.indices {
            guard case .insert(let email, let phoneNumber, let linkedId, let createdAt) = writes[index] else {
                continue
            }
            guard email != nil || phoneNumber != nil else {
                return "the new row has neither an email nor a phone number"
            }
            func holds(_ otherEmail: String?, _ otherPhone: String?) -> Bool {
                (email != nil && otherEmail == email) || (phoneNumber != nil && otherPhone == phoneNumber)
            }
            if let linkedId {
                guard let primary = rows.firstIndex(where: { $0.id == linkedId && $0.isLive && $0.linkedId == nil })
                else {
                    return "the primary \(linkedId) is not a live primary among the selected rows"
                }
                guard createdAt >= rows[primary].createdAt else {
                    return "the new row would be older than its primary \(linkedId)"
                }
            }
            if let holder = rows.first(where: {
                $0.isLive && $0.primaryID != linkedId && holds($0.email, $0.phoneNumber)
            }) {
                return "contact \(holder.id) of another group already holds a value of the new row"
            }
            if inserted.contains(where: { ($0.group == nil || $0.group != linkedId) && holds($0.email, $0.phoneNumber) }
            ) {
                return "two new rows of different groups hold the same value"
            }
            // A plan's last write needs no entry: nothing comes after it to compare with.
            if index < writes.count - 1 { inserted.append((email, phoneNumber, linkedId)) }
        }
        return nil
    }
}

extension ContactWrite {
    /// Why the date this write carries is outside ``Contact/isValidDate(_:)``, or `nil`.
    fileprivate var dateOutOfRange: String? {
        switch self {
        case .insert(_, _, _, let createdAt): ContactInvariants.dateOutOfRange(createdAt, "the new row's createdAt")
        case .relinkGroup(_, _, let updatedAt), .setLink(_, _, let updatedAt), .clearValues(_, _, _, let updatedAt):
            ContactInvariants.dateOutOfRange(updatedAt, "updatedAt")
        case .delete(_, let at): ContactInvariants.dateOutOfRange(at, "deletedAt")
        case .addLink(let link): ContactInvariants.dateOutOfRange(link.createdAt, "the new link's createdAt")
        case .removeLink: nil
        }
    }
}
