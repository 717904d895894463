import Synchronization

/// A ``ContactStore`` that keeps every row in memory; nothing survives the process.
///
/// Use it in tests, in short-lived tools, and as the reference for what a store does.
///
/// **Concurrency.** Safe to share between any number of tasks. Each transaction runs as
/// one critical section under a mutex with no suspension point inside it, so concurrent
/// identifies are linearizable: never two primaries for one person, never a lost merge.
///
/// **Cost.** Hash indexes by email and phone number and a member list per group: an
/// identify costs O(size of the groups it touches), never O(number of rows).
public final class InMemoryContactStore: ContactStore {
    private let table: Mutex<ContactTable>

    /// Creates an empty store; the first row gets id 1.
    public init() {
        table = Mutex(ContactTable())
    }

    /// Creates a store holding existing rows, for example fixtures in a test.
    ///
    /// - Throws: ``ContactStoreError/invalidContacts(_:)`` when the rows break ``ContactInvariants``.
    public init(contacts: [Contact]) throws(ContactStoreError) {
        table = Mutex(try ContactTable(validating: contacts))
    }

    /// Runs one identify transaction under the store's lock.
    ///
    /// - Throws: ``ContactStoreError/invalidChange(_:reason:)`` when `decide` returns a
    ///   change that would break the rows' invariants (never for ``ReconciliationRules``);
    ///   nothing is written then.
    public func reconcile(
        email: String?,
        phoneNumber: String?,
        decide: @Sendable (_ matched: [Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit {
        try table.withLock { (table) throws(ContactStoreError) in
            let matched = table.matchedRows(email: email, phoneNumber: phoneNumber)
            let change = decide(matched)
            try change.check(against: matched)
            let insertedID = table.apply(change)
            return ContactStoreCommit(
                change: change, insertedID: insertedID, group: change.applied(to: matched, insertedID: insertedID))
        }
    }

    /// The matched rows for an email and a phone number. Never throws.
    public func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact] {
        table.withLock { $0.matchedRows(email: email, phoneNumber: phoneNumber) }
    }

    /// The live rows of the group containing the live row `id`. Never throws.
    public func group(containingContactID id: Int) async throws -> [Contact] {
        table.withLock { $0.group(containing: id) }
    }

    /// Rows after `afterID` in id order, at most `limit`. Never throws.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        table.withLock { $0.contacts(afterID: afterID, limit: limit) }
    }

    /// Loads existing rows into this empty store.
    ///
    /// - Throws: ``ContactStoreError/notEmpty`` or ``ContactStoreError/invalidContacts(_:)``;
    ///   nothing is loaded when it throws.
    public func importContacts(_ contacts: [Contact]) async throws {
        let loaded = try ContactTable(validating: contacts)
        try table.withLock { (table) throws(ContactStoreError) in
            guard table.isEmpty else { throw .notEmpty }
            table = loaded
        }
    }
}
