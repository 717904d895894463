import IdentityReconciliation
import Synchronization

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
        /// Merges are decided but never applied.
        case ignoresMerges
        /// A merge relinks the demoted primary but leaves its secondaries pointing at it (a chain).
        case relinksOnlyDemotedPrimary
        /// A request that tells nothing new still inserts a row.
        case insertsWhenUnchanged
        /// After an import, ids continue from the number of rows instead of the largest id.
        case idsRestartAfterImport
        /// An import loses the rows' `deletedAt`.
        case dropsSoftDeletes
        /// An import does not check the invariants.
        case acceptsInvalidImport
        /// Paging returns every row after the id, whatever the limit.
        case pagingIgnoresLimit
        /// The read-decide-write of one identify is two critical sections with a suspension between them.
        case notAtomic
        /// A transaction reports an empty group.
        case returnsNoGroup
        /// Paging starts at `afterID` itself, so a reader that pages by the last id sees it again.
        case pagingRepeatsLastRow
        /// A decided change is applied without ``ContactChange/check(against:)``.
        case appliesInvalidChanges

        var description: String { rawValue }
    }

    private struct State {
        var rows: [Contact] = []
        var nextID = 1
    }

    let fault: Fault
    private let state = Mutex(State())

    init(fault: Fault) {
        self.fault = fault
    }

    private func matches(_ row: Contact, email: String?, phoneNumber: String?) -> Bool {
        guard row.isLive else { return false }
        if fault == .nilMatchesNil { return row.email == email || row.phoneNumber == phoneNumber }
        return (email != nil && row.email == email) || (phoneNumber != nil && row.phoneNumber == phoneNumber)
    }

    private func matched(in rows: [Contact], email: String?, phoneNumber: String?) -> [Contact] {
        let groups = Set(rows.filter { matches($0, email: email, phoneNumber: phoneNumber) }.map(\.primaryID))
        return rows.filter { $0.isLive && groups.contains($0.primaryID) }
    }

    private func apply(_ change: ContactChange, to state: inout State, matched: [Contact]) -> ContactStoreCommit {
        func insert(_ email: String?, _ phoneNumber: String?, primaryID: Int?, createdAt: Date) -> Int {
            let id = state.nextID
            state.nextID += 1
            state.rows.append(
                Contact(
                    id: id, email: email, phoneNumber: phoneNumber, linkedId: primaryID,
                    linkPrecedence: primaryID == nil ? .primary : .secondary, createdAt: createdAt,
                    updatedAt: createdAt))
            return id
        }
        func group(_ primaryID: Int) -> [Contact] { state.rows.filter { $0.isLive && $0.primaryID == primaryID } }

        switch change {
        case .none:
            guard fault == .insertsWhenUnchanged, let first = matched.first else {
                return ContactStoreCommit(change: change, insertedID: nil, group: matched)
            }
            let primary = state.rows.first { $0.id == first.primaryID }!
            _ = insert(first.email, first.phoneNumber, primaryID: primary.id, createdAt: primary.createdAt)
            return ContactStoreCommit(change: change, insertedID: nil, group: group(primary.id))
        case .insertPrimary(let email, let phoneNumber, let createdAt):
            let id = insert(email, phoneNumber, primaryID: nil, createdAt: createdAt)
            return ContactStoreCommit(change: change, insertedID: id, group: group(id))
        case .insertSecondary(let email, let phoneNumber, let primaryID, let createdAt):
            let id = insert(email, phoneNumber, primaryID: primaryID, createdAt: createdAt)
            return ContactStoreCommit(change: change, insertedID: id, group: group(primaryID))
        case .merge(let primaryID, let demotedPrimaryID, let updatedAt):
            if fault != .ignoresMerges {
                for index in state.rows.indices where state.rows[index].isLive {
                    let row = state.rows[index]
                    let relink =
                        fault == .relinksOnlyDemotedPrimary
                        ? row.id == demotedPrimaryID : row.primaryID == demotedPrimaryID
                    guard relink else { continue }
                    state.rows[index].linkedId = primaryID
                    state.rows[index].linkPrecedence = .secondary
                    state.rows[index].updatedAt = updatedAt
                }
            }
            return ContactStoreCommit(change: change, insertedID: nil, group: group(primaryID))
        }
    }

    func reconcile(
        email: String?, phoneNumber: String?, decide: @Sendable ([Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit {
        if fault == .notAtomic {
            let read = state.withLock { matched(in: $0.rows, email: email, phoneNumber: phoneNumber) }
            await Task.yield()
            let change = decide(read)
            try change.check(against: read)
            return state.withLock { apply(change, to: &$0, matched: read) }
        }
        let commit = try state.withLock { (state) throws(ContactStoreError) in
            let read = matched(in: state.rows, email: email, phoneNumber: phoneNumber)
            let change = decide(read)
            if fault != .appliesInvalidChanges { try change.check(against: read) }
            return apply(change, to: &state, matched: read)
        }
        if fault == .returnsNoGroup {
            return ContactStoreCommit(change: commit.change, insertedID: commit.insertedID, group: [])
        }
        return commit
    }

    func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] {
        state.withLock { matched(in: $0.rows, email: email, phoneNumber: phoneNumber) }
    }

    func group(containingContactID id: Int) async throws -> [Contact] {
        state.withLock { state in
            guard let row = state.rows.first(where: { $0.id == id && $0.isLive }) else { return [] }
            return state.rows.filter { $0.isLive && $0.primaryID == row.primaryID }
        }
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        state.withLock { state in
            let after = state.rows.filter { fault == .pagingRepeatsLastRow ? $0.id >= afterID : $0.id > afterID }
            if fault == .pagingIgnoresLimit { return after }
            return limit < 1 ? [] : Array(after.prefix(limit))
        }
    }

    func importContacts(_ contacts: [Contact]) async throws {
        let violations = ContactInvariants.violations(in: contacts)
        if fault != .acceptsInvalidImport && !violations.isEmpty { throw ContactStoreError.invalidContacts(violations) }
        try state.withLock { state in
            guard state.rows.isEmpty else { throw ContactStoreError.notEmpty }
            state.rows = contacts.sorted { $0.id < $1.id }
            if fault == .dropsSoftDeletes {
                for index in state.rows.indices { state.rows[index].deletedAt = nil }
            }
            let largest = contacts.map(\.id).max() ?? 0
            state.nextID = fault == .idsRestartAfterImport ? contacts.count + 1 : largest + 1
        }
    }
}
