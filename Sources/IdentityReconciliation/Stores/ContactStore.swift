/// Storage for contact rows, with the transaction that identify needs.
///
/// ``IdentityResolver`` is the front end; a store only keeps rows and runs transactions.
/// The library ships ``InMemoryContactStore`` and ``FileContactStore``; other stores
/// (a database, a remote service) conform to this protocol and prove it with the
/// conformance check in the `IdentityReconciliationTesting` product.
///
/// ## The contract
///
/// **Matching.** A row *matches* an email when it is live (`deletedAt == nil`) and its
/// email equals it exactly (values arrive already normalized, compare them byte for
/// byte); likewise for phone numbers. A `nil` value matches nothing — never rows whose
/// field is `nil`. The *matched rows* of a request are all live rows of every group
/// (rows sharing a primary, ``Contact/primaryID``) that has a matching row.
///
/// **Transactions.** ``reconcile(email:phoneNumber:decide:)`` reads the matched rows,
/// calls `decide` with them, applies the returned ``ContactChange`` and returns the
/// resulting group, as one linearizable step: no other call of any method of this store,
/// in this process or any other sharing the storage, may observe or interleave with a
/// partial state. Either the whole change is applied or, when the method throws, none of
/// it. `decide` is pure; a store that retries a transaction (for example after a
/// serialization failure) may call it again with fresh rows.
///
/// Applying a change:
/// - ``ContactChange/insertPrimary(email:phoneNumber:createdAt:)`` and
///   ``ContactChange/insertSecondary(email:phoneNumber:primaryID:createdAt:)`` insert one
///   row with `updatedAt` = `createdAt` and a new id: positive, greater than every id the
///   store has ever held (a new store starts at 1; after ``importContacts(_:)``, at the
///   largest imported id + 1).
/// - ``ContactChange/merge(primaryID:demotedPrimaryID:updatedAt:)`` relinks every live
///   row of the demoted group, as documented on the case. Deleted rows are never changed.
///
/// ``ReconciliationRules`` only decide changes that keep ``ContactInvariants``, but `decide`
/// can be anyone's. Before writing, a store calls ``ContactChange/check(against:)`` with the
/// matched rows and lets its ``ContactStoreError/invalidChange(_:reason:)`` through,
/// writing nothing: a change may only refer to the groups it was decided on.
///
/// **Durability.** When ``reconcile(email:phoneNumber:decide:)`` returns, the change is
/// as durable as the store promises (each store documents this); it must never report
/// success for a change it may lose without also documenting that.
///
/// **Errors.** Methods throw the store's own error types. A store that failed a write
/// must not pretend later writes succeed; see each store.
///
/// **Reads** never write, and see every change whose transaction has returned.
public protocol ContactStore: Sendable {
    /// Runs one identify transaction: read the matched rows, decide, apply, atomically.
    ///
    /// - Parameters:
    ///   - email: The normalized email to match, or `nil`.
    ///   - phoneNumber: The normalized phone number to match, or `nil`.
    ///   - decide: The pure decision; called with the matched rows (in any order).
    /// - Returns: The change that was applied, the id of the inserted row if any, and the
    ///   live rows of the group that contains the request's values afterwards.
    /// - Throws: The store's error when the transaction could not be run or made durable;
    ///   nothing of the change is then visible.
    func reconcile(
        email: String?,
        phoneNumber: String?,
        decide: @Sendable (_ matched: [Contact]) -> ContactChange
    ) async throws -> ContactStoreCommit

    /// The matched rows for an email and a phone number, without writing anything.
    ///
    /// - Returns: All live rows of every group with a live row holding `email` or
    ///   `phoneNumber` (`nil` matches nothing); empty when nothing matches.
    func rows(matchingEmail email: String?, phoneNumber: String?) async throws -> [Contact]

    /// The live rows of the group that contains a live row with this id.
    ///
    /// - Returns: The group's rows, or an empty array when no live row has this id.
    func group(containingContactID id: Int) async throws -> [Contact]

    /// Rows in ascending id order, including soft-deleted ones, for listing and export.
    ///
    /// - Parameters:
    ///   - afterID: Only rows with an id greater than this; pass `0` to start.
    ///   - limit: The most rows returned; a value below 1 returns no rows.
    func contacts(afterID: Int, limit: Int) async throws -> [Contact]

    /// Loads existing rows, keeping their ids, timestamps, links and soft-deletes.
    ///
    /// The resolver validates the rows first (``IdentityResolver/importContacts(_:)``, also
    /// called after ``IdentityResolver/importContacts(repairing:lines:)`` repairs them); a
    /// store may rely on them being sorted by id and satisfying ``ContactInvariants``, but
    /// must still refuse rows that do not.
    ///
    /// - Throws: ``ContactStoreError/notEmpty`` when the store already holds rows;
    ///   ``ContactStoreError/invalidContacts(_:)`` when the rows break the invariants.
    ///   Nothing is loaded when it throws.
    func importContacts(_ contacts: [Contact]) async throws
}

/// What a ``ContactStore`` reports after running a transaction.
public struct ContactStoreCommit: Sendable, Hashable {
    /// The change that was decided and applied.
    public var change: ContactChange
    /// The id of the inserted row, for the insert changes; otherwise `nil`.
    public var insertedID: Int?
    /// The live rows of the group holding the request's values after the change, in any order.
    public var group: [Contact]

    /// Creates a commit report.
    public init(change: ContactChange, insertedID: Int?, group: [Contact]) {
        self.change = change
        self.insertedID = insertedID
        self.group = group
    }
}
