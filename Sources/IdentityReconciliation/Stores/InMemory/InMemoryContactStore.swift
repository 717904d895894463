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
    private let table: StoreLock<ContactTable>

    /// Creates an empty store; the first row gets id 1.
    public init() {
        table = StoreLock(ContactTable())
    }

    /// Creates a store holding existing rows, for example fixtures in a test.
    ///
    /// - Throws: ``ContactStoreError/invalidContacts(_:)`` when the rows break ``ContactInvariants``.
    public init(contacts: [Contact]) throws(ContactStoreError) {
        table = StoreLock(ContactTable(importing: try ContactImport(contacts: contacts)))
    }

    /// Reads a selection. Never throws.
    public func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        table.withLock { $0.select(selection) }
    }

    /// Runs one transaction under the store's lock, with no suspension inside it.
    ///
    /// - Throws: What `plan` throws (``ContactStoreError/invalidPlan(_:reason:)`` when a
    ///   decision breaks the rules); ``ContactStoreError/invalidPlan(_:reason:)`` when the
    ///   plan inserts a row and no id below `Int.max` is left. Nothing is written then.
    public func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        try table.withLock { table in
            let checked = try plan(table.select(selection))
            try table.checkIDsLeft(for: checked)
            let ids = table.nextIDs(checked.insertCount)
            table.persist(checked, insertedIDs: ids)
            return ContactStoreReceipt(plan: checked, insertedIDs: ids)
        }
    }

    /// Rows after `afterID` in id order, at most `limit`. Never throws.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        table.withLock { $0.contacts(afterID: afterID, limit: limit) }
    }

    /// Links after `after` in ascending order, at most `limit`. Never throws.
    public func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        table.withLock { $0.links(after: after, limit: limit) }
    }

    /// Loads checked rows and links into this empty store.
    ///
    /// - Throws: ``ContactStoreError/notEmpty``; nothing is loaded then.
    public func importContacts(_ contacts: ContactImport) async throws {
        let loaded = ContactTable(importing: contacts)
        try table.withLock { (table) throws(ContactStoreError) in
            guard table.isEmpty else { throw .notEmpty }
            table = loaded
        }
    }
}
