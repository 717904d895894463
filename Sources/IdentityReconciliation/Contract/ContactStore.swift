/// Storage for contact rows and links: reads a selection and persists checked plans, each
/// in one transaction.
///
/// ``IdentityResolver`` is the front end; a store decides nothing. The library ships
/// ``InMemoryContactStore`` and ``FileContactStore``; other stores (a database, a remote
/// service) conform to this protocol and prove it with the conformance check in the
/// `IdentityReconciliationTesting` product.
///
/// ## The contract
///
/// A store supplies five primitives. Everything else (the rules, checking a plan, the rows
/// after it, the result of an operation) is the library's, built on top of them by
/// ``commit(reading:decide:)``, so every store gives the same answers.
///
/// **Reading.** ``read(_:)`` and the first step of ``transaction(reading:_:)`` return what
/// ``ContactSelection`` defines: the live groups a value or a contact id leads to, and,
/// when asked, the related deleted rows and the links. Values arrive normalized: compare
/// them byte for byte. A `nil` value selects nothing, never the rows whose field is `nil`.
///
/// **Transactions.** ``transaction(reading:_:)`` reads the selection, calls `plan` with
/// what it read, and persists the ``CheckedContactPlan`` that `plan` returns, as one
/// linearizable step: no other call of any method of this store, in this process or any
/// other sharing the storage, may observe or interleave with a partial state. Either the
/// whole plan is persisted or, when the method throws (`plan` included), none of it. A
/// store that retries a transaction (for example after a serialization failure) may call
/// `plan` again with fresh rows, and persists the plan of the last call.
///
/// **Persisting a checked plan** means exactly:
/// - insert ``CheckedContactPlan/insertedRows(ids:)``, under new ids the store assigns:
///   positive, greater than every id it has ever held (a new store starts at 1; after
///   ``importContacts(_:)``, at the largest imported id + 1), one per insert, in order;
/// - replace each row of ``CheckedContactPlan/updatedRows`` by id, every field as given;
/// - remove ``CheckedContactPlan/removedLinks`` and add ``CheckedContactPlan/addedLinks``.
///
/// A store may instead record ``ContactPlan/writes`` (a journal does: a merge is then one
/// record), as long as what it reads back afterwards is the same.
///
/// **Durability.** When ``transaction(reading:_:)`` returns, the plan is as durable as the
/// store promises (each store documents this); it must never report success for a plan it
/// may lose without also documenting that.
///
/// **Errors.** Methods throw the store's own error types, and let the errors `plan` throws
/// through unchanged. A store that failed a write must not pretend later writes succeed.
///
/// **Reads** never write, and see every transaction that has returned.
public protocol ContactStore: Sendable {
    /// Reads a selection without writing anything.
    ///
    /// - Returns: The selected rows and links (see ``ContactSelection``).
    /// - Throws: The store's error.
    func read(_ selection: ContactSelection) async throws -> SelectedContacts

    /// Runs one transaction: reads the selection, calls `plan` with it, persists the checked
    /// plan it returns, atomically.
    ///
    /// Call ``commit(reading:decide:)`` rather than this: it supplies `plan`, checking the
    /// decision and computing the result.
    ///
    /// - Parameters:
    ///   - selection: What to read and lock.
    ///   - plan: Decides and checks the plan; called with what the store read, which it
    ///     takes (the checked plan keeps it, so no copy is made).
    /// - Returns: The plan that was persisted and the ids assigned to its inserted rows.
    /// - Throws: What `plan` throws, or the store's error when the transaction could not be
    ///   run or made durable; nothing of the plan is then visible.
    func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt

    /// Rows in ascending id order, including soft-deleted ones, for listing and export.
    ///
    /// - Parameters:
    ///   - afterID: Only rows with an id greater than this; pass `0` to start.
    ///   - limit: The most rows returned; a value below 1 returns no rows.
    /// - Throws: The store's error.
    func contacts(afterID: Int, limit: Int) async throws -> [Contact]

    /// Links in ascending order (see ``ContactLink/<(_:_:)``), for listing and export.
    ///
    /// - Parameters:
    ///   - after: Only links after this one in that order; pass `nil` to start.
    ///   - limit: The most links returned; a value below 1 returns none.
    /// - Throws: The store's error.
    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink]

    /// Loads checked rows and links into an empty store, keeping ids, timestamps, links and
    /// soft-deletes; later inserts get ids after the largest imported one. All or nothing.
    ///
    /// - Throws: ``ContactStoreError/notEmpty`` when the store already holds rows; the store's
    ///   error. Nothing is loaded when it throws.
    func importContacts(_ contacts: ContactImport) async throws
}
