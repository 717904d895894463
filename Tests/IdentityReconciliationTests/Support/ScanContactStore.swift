@testable import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A deliberately simple store for testing the test kit: every operation scans every row.
///
/// With ``Fault/none`` it is a correct store written independently of ``InMemoryContactStore``;
/// every other fault breaks one part of the ``ContactStore`` contract, so the conformance
/// check can be shown to catch it.
final class ScanContactStore: ContactStore {
    /// The part of the contract this store breaks.
    enum Fault: String, CaseIterable, Sendable, CustomStringConvertible {
        /// A correct store.
        case none
        /// `nil` matches rows whose field is `nil` (the `IS NULL` bug).
        case nilMatchesNil
        /// Updated rows are never stored, so merges are decided but never applied.
        case ignoresUpdatedRows
        /// Only the first updated row of a plan is stored: a plan persisted partially (a
        /// merge relinks the demoted primary and leaves its secondaries pointing at it).
        case storesOnlyFirstUpdatedRow
        /// Updated rows keep their old values and `deletedAt`: only the link fields are stored.
        case storesOnlyLinkFields
        /// Links are never added or removed.
        case dropsLinks
        /// A selection that includes deleted rows gets the live groups only.
        case selectsNoDeletedRows
        /// A request that tells nothing new still inserts a row.
        case insertsWhenUnchanged
        /// After an import, ids continue from the number of rows instead of the largest id.
        case idsRestartAfterImport
        /// An import loses the rows' `deletedAt`.
        case dropsSoftDeletes
        /// Paging returns every row after the id, whatever the limit.
        case pagingIgnoresLimit
        /// The read-decide-write of one transaction is two critical sections with a suspension between them.
        case notAtomic
        /// A transaction reports no ids for the rows it inserted.
        case reportsNoInsertedIDs
        /// Paging starts at `afterID` itself, so a reader that pages by the last id sees it again.
        case pagingRepeatsLastRow

        var description: String { rawValue }
    }

    private struct State {
        var rows: [Contact] = []
        var links: [ContactLink] = []
        var nextID = 1
    }

    let fault: Fault
    // The library's lock, which ThreadSanitizer builds replace with one it understands.
    private let state = StoreLock(State())

    init(fault: Fault) {
        self.fault = fault
    }

    private func holds(_ row: Contact, email: String?, phoneNumber: String?) -> Bool {
        if fault == .nilMatchesNil { return row.email == email || row.phoneNumber == phoneNumber }
        return (email != nil && row.email == email) || (phoneNumber != nil && row.phoneNumber == phoneNumber)
    }

    private func select(_ selection: ContactSelection, in state: State) -> SelectedContacts {
        let seeds = state.rows.filter { row in
            row.isLive
                && (holds(row, email: selection.email, phoneNumber: selection.phoneNumber)
                    || row.id == selection.contactID)
        }
        let groups = Set(seeds.map(\.primaryID))
        var rows = state.rows.filter { $0.isLive && groups.contains($0.primaryID) }
        if selection.includesDeletedRows && fault != .selectsNoDeletedRows {
            let live = rows
            rows += state.rows.filter { row in
                !row.isLive
                    && (row.id == selection.contactID
                        || (selection.email != nil && row.email == selection.email)
                        || (selection.phoneNumber != nil && row.phoneNumber == selection.phoneNumber)
                        || live.contains { other in
                            row.linkedId == other.id || (row.email != nil && row.email == other.email)
                                || (row.phoneNumber != nil && row.phoneNumber == other.phoneNumber)
                        })
            }
        }
        guard selection.includesLinks else { return SelectedContacts(rows: rows) }
        let live = rows.filter(\.isLive)
        let emails = Set(live.compactMap(\.email) + [selection.email].compactMap { $0 })
        let phones = Set(live.compactMap(\.phoneNumber) + [selection.phoneNumber].compactMap { $0 })
        let links = state.links.filter { emails.contains($0.email) || phones.contains($0.phoneNumber) }
        return SelectedContacts(rows: rows, links: links)
    }

    private func persist(_ plan: CheckedContactPlan, to state: inout State) -> [Int] {
        var updated = plan.updatedRows
        switch fault {
        case .ignoresUpdatedRows: updated = []
        case .storesOnlyFirstUpdatedRow: updated = Array(updated.prefix(1))
        default: break
        }
        for row in updated {
            guard let index = state.rows.firstIndex(where: { $0.id == row.id }) else { continue }
            if fault == .storesOnlyLinkFields {
                state.rows[index].linkedId = row.linkedId
                state.rows[index].linkPrecedence = row.linkPrecedence
                state.rows[index].updatedAt = row.updatedAt
            } else {
                state.rows[index] = row
            }
        }
        if fault != .dropsLinks {
            state.links.removeAll { plan.removedLinks.contains($0) }
            state.links += plan.addedLinks
        }
        if plan.isEmpty, fault == .insertsWhenUnchanged, let first = plan.selected.rows.first {
            let primary = state.rows.first { $0.id == first.primaryID }!
            state.rows.append(
                Contact(
                    id: state.nextID, email: first.email, phoneNumber: first.phoneNumber, linkedId: primary.id,
                    linkPrecedence: .secondary, createdAt: primary.createdAt, updatedAt: primary.createdAt))
            state.nextID += 1
        }
        let ids = Array(state.nextID..<(state.nextID + plan.insertCount))
        state.rows += plan.insertedRows(ids: ids)
        state.nextID += plan.insertCount
        return fault == .reportsNoInsertedIDs ? [] : ids
    }

    func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        state.withLock { select(selection, in: $0) }
    }

    func transaction(
        reading selection: ContactSelection, _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        if fault == .notAtomic {
            let selected = state.withLock { select(selection, in: $0) }
            await Task.yield()
            let checked = try plan(selected)
            return state.withLock { ContactStoreReceipt(plan: checked, insertedIDs: persist(checked, to: &$0)) }
        }
        return try state.withLock { state in
            let checked = try plan(select(selection, in: state))
            return ContactStoreReceipt(plan: checked, insertedIDs: persist(checked, to: &state))
        }
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        state.withLock { state in
            let after = state.rows.filter { fault == .pagingRepeatsLastRow ? $0.id >= afterID : $0.id > afterID }
            if fault == .pagingIgnoresLimit { return after }
            return limit < 1 ? [] : Array(after.prefix(limit))
        }
    }

    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        state.withLock { state in
            let sorted = state.links.sorted()
            let after = after.map { after in sorted.filter { $0 > after } } ?? sorted
            return limit < 1 ? [] : Array(after.prefix(limit))
        }
    }

    func importContacts(_ contacts: ContactImport) async throws {
        try state.withLock { state in
            guard state.rows.isEmpty else { throw ContactStoreError.notEmpty }
            state.rows = contacts.contacts
            state.links = contacts.links
            if fault == .dropsSoftDeletes {
                for index in state.rows.indices { state.rows[index].deletedAt = nil }
            }
            let largest = contacts.contacts.map(\.id).max() ?? 0
            state.nextID = fault == .idsRestartAfterImport ? contacts.contacts.count + 1 : largest + 1
        }
    }
}
