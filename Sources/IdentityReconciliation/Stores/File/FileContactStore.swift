import Dispatch

/// A ``ContactStore`` kept in one file on disk, safe against crashes, power loss and full
/// disks, with no database server and no dependency.
///
/// ```swift
/// let store = try FileContactStore(path: "contacts.store")
/// let resolver = IdentityResolver(store: store)
/// let result = try await resolver.identify(email: "doc@hillvalley.edu", phoneNumber: "555")
/// try store.close()
/// ```
///
/// The file is an append-only journal of the plans persisted (an identify appends one small
/// record; a merge is one record whatever the size of the groups) that compaction rewrites
/// now and then into a snapshot of the rows and links. Opening reads the whole file into the same
/// in-memory indexes as ``InMemoryContactStore``, so reads never touch the disk.
/// `Documentation/FileFormat.md` specifies the format byte by byte.
///
/// **Durability** is chosen when opening; see ``Durability`` for exactly what survives a crash.
///
/// **Recovery.** A crash in the middle of a write leaves a torn tail; opening detects it by
/// the records' lengths and CRC-32C checksums, truncates it and says so in ``recovery``.
/// Damage in bytes that had been synced is never repaired silently: opening throws
/// ``FileContactStoreError/Code/corrupted`` naming the offset.
///
/// **Exclusive access.** Opening takes an advisory `flock` on the file: a second store on
/// the same path, in this or another process, gets ``FileContactStoreError/Code/alreadyLocked``.
/// ``AccessMode/readOnly`` stores take a shared lock, so several may read at once while
/// no writer is open.
///
/// **Failures.** When a write or a sync fails, the call throws and the store refuses every
/// later call with ``FileContactStoreError/Code/unusable``: it never pretends that data which may
/// not be on disk is. Reopen the file to recover the last durable state.
///
/// **Concurrency.** Safe to share between any number of tasks. Each transaction runs as one
/// critical section under a mutex, without suspending inside it.
public final class FileContactStore: ContactStore {
    /// When an identify returns, how safe its change is.
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// Each change is written and `fdatasync`ed before its identify returns: after a
        /// crash or power loss, every change whose call returned is in the file.
        case immediate
        /// Like ``immediate`` (nothing is acknowledged before a sync covering it), but
        /// concurrent callers share one write and one sync: much faster under load.
        case grouped
        /// Changes are buffered in memory and written in large chunks, and synced only by
        /// ``FileContactStore/sync()``, ``FileContactStore/close()`` and compaction. A crash
        /// may lose the changes since the last of these, but never damages the file.
        case deferred
    }

    /// Whether the store may write.
    public enum AccessMode: Sendable, Hashable {
        /// Reads and writes, creating the file when it is missing; takes an exclusive lock.
        case readWrite
        /// Reads only; the file must exist and is never changed (a torn tail is ignored,
        /// not truncated); takes a shared lock. Writing methods throw
        /// ``FileContactStoreError/Code/readOnly``.
        case readOnly
    }

    /// How a store is opened.
    public struct Options: Sendable, Hashable {
        /// When an identify returns, how safe its change is.
        public var durability: Durability
        /// Whether the store may write.
        public var mode: AccessMode
        /// Whether the store compacts itself when the file grows well past the live data.
        public var automaticCompaction = true
        /// Compaction runs when the file's data exceeds this many times the estimated size
        /// of a snapshot of the live rows (and ``compactionMinimumBytes``).
        public var compactionRatio = 2.0
        /// Files with less data than this are never compacted automatically.
        public var compactionMinimumBytes = 8 << 20
        /// The file grows by at least this many zero bytes at a time (and by an eighth of its
        /// size once that is more), so that syncs overwrite allocated space.
        public var preallocationBytes = 1 << 18
        /// Under ``Durability/deferred``, changes are written once this many bytes are buffered.
        public var writeBufferBytes = 1 << 20
        /// Whether a transaction that clears values (``IdentityResolver/forget(email:)``,
        /// ``IdentityResolver/erase(contactID:)``) rewrites the file before it returns, so that
        /// no byte of the erased values is left in it. Turn it off to erase many values at once,
        /// then call ``FileContactStore/purge()`` (``FileContactStore/close()`` and the next
        /// read-write open purge too).
        public var purgesErasedValues = true

        /// Creates options with the defaults for everything but durability and mode.
        public init(durability: Durability = .immediate, mode: AccessMode = .readWrite) {
            self.durability = durability
            self.mode = mode
        }
    }

    /// A caller of ``Durability/grouped`` waiting for the sync covering its change.
    struct Waiter {
        var sequence: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    /// Everything behind the store's mutex.
    struct State {
        var table: ContactTable
        /// UTF-8 bytes of every row's strings, for the compaction estimate.
        var stringBytes: Int
        /// The open file; `nil` once closed.
        var journal: Journal?
        /// The failure that made the store unusable.
        var failure: FileContactStoreError?
        /// Encoded records not yet written.
        var pending = ByteWriter()
        /// Under grouped durability: changes appended so far, and how many of them are synced.
        var appendedSequence: UInt64 = 0
        private(set) var syncedSequence: UInt64 = 0
        /// Under grouped durability: for each group (by primary id) that an unsynced change
        /// touched, the sequence number of its latest change. An identify that writes nothing
        /// waits only for its own group's changes, not for every change in flight.
        var unsyncedGroups: [Int: UInt64] = [:]
        /// Whether the file still holds bytes of values that a plan cleared since the last compaction.
        var holdsErasedValues = false
        /// The file's format version: a version-1 file is compacted (and so rewritten as the
        /// current version) before a record that version 1 lacks is appended.
        var formatVersion: UInt32

        /// Records that the change with this sequence number touched the groups of a plan.
        ///
        /// The groups it touched are the group of every inserted row, and every group that
        /// a changed row was in before or is in after. Before the plan, the selected live
        /// primaries stand for every group the changed rows were in (a plan touches only the
        /// groups it read); after it, each changed row's primary. So a read of any group the
        /// plan split, shrank, grew or demoted finds one of its rows' primaries here.
        mutating func markUnsynced(_ plan: CheckedContactPlan, insertedIDs: [Int], sequence: UInt64) {
            for row in plan.insertedRows(ids: insertedIDs) { unsyncedGroups[row.primaryID] = sequence }
            guard !plan.updatedRows.isEmpty || !plan.addedLinks.isEmpty || !plan.removedLinks.isEmpty else { return }
            for row in plan.selected.rows where row.isLive && row.linkedId == nil {
                unsyncedGroups[row.id] = sequence
            }
            for row in plan.updatedRows { unsyncedGroups[row.primaryID] = sequence }
        }

        /// Records that the changes up to `sequence` are synced.
        mutating func markSynced(upTo sequence: UInt64) {
            syncedSequence = sequence
            if !unsyncedGroups.isEmpty { unsyncedGroups = unsyncedGroups.filter { $0.value > sequence } }
        }

        /// The sequence number to wait for before answering with the rows of these groups
        /// read, or `nil` when none of them has a change whose sync is still to come.
        func unsyncedSequence(ofGroupsOf rows: [Contact]) -> UInt64? {
            guard !unsyncedGroups.isEmpty else { return nil }
            let latest = rows.lazy.compactMap { unsyncedGroups[$0.primaryID] }.max()
            return latest.flatMap { $0 > syncedSequence ? $0 : nil }
        }
        /// Whether a flush job is queued or running.
        var flushScheduled = false
        var waiters: [Waiter] = []
        /// Compaction runs when the journal's written end passes this offset.
        var compactionThreshold = Int.max
    }

    /// The store file's path.
    public let path: String
    /// The options the store was opened with.
    public let options: Options
    /// What opening repaired: non-`nil` when the file had a torn tail, which was truncated
    /// (or, read-only, ignored).
    public let recovery: FileStoreRecovery?

    let fileSystem: any FileSystem
    let state: StoreLock<State>
    /// Serializes the file work of grouped flushes, compaction, ``sync()`` and ``close()``.
    let ioQueue = DispatchQueue(label: "IdentityReconciliation.FileContactStore.io")

    /// Opens the store file at `path`, creating it (mode 0600) when it is missing and the
    /// mode is ``AccessMode/readWrite``.
    ///
    /// - Parameters:
    ///   - path: The file; its directory must exist.
    ///   - durability: When an identify returns, how safe its change is. See ``Durability``.
    ///   - mode: ``AccessMode/readWrite`` (exclusive) or ``AccessMode/readOnly`` (shared).
    /// - Throws: ``FileContactStoreError`` with ``FileContactStoreError/Code/alreadyLocked``,
    ///   ``FileContactStoreError/Code/isDirectory``, ``FileContactStoreError/Code/permissionDenied``,
    ///   ``FileContactStoreError/Code/notFound``, ``FileContactStoreError/Code/notAStoreFile``,
    ///   ``FileContactStoreError/Code/unsupportedVersion``, ``FileContactStoreError/Code/corrupted``
    ///   (with the offset), or an I/O code.
    public convenience init(
        path: String, durability: Durability = .immediate, mode: AccessMode = .readWrite
    ) throws(FileContactStoreError) {
        try self.init(path: path, options: Options(durability: durability, mode: mode))
    }

    /// Opens the store file at `path` with detailed options.
    ///
    /// - Throws: As ``init(path:durability:mode:)``.
    public convenience init(path: String, options: Options) throws(FileContactStoreError) {
        try self.init(path: path, options: options, fileSystem: SystemFileSystem())
    }

    /// Opens the store through a given file system (tests inject faults this way).
    init(path: String, options: Options, fileSystem: any FileSystem) throws(FileContactStoreError) {
        let opened = try Self.open(path: path, options: options, fileSystem: fileSystem)
        self.path = path
        self.options = options
        self.fileSystem = fileSystem
        self.recovery = opened.recovery
        var state = State(
            table: opened.table, stringBytes: opened.stringBytes, journal: opened.journal,
            formatVersion: opened.formatVersion)
        state.holdsErasedValues = opened.holdsErasedValues
        Self.updateCompactionThreshold(&state, options: options)
        self.state = StoreLock(state)
        if opened.holdsErasedValues {
            // A crash came between an erasure's record and its purge: finish it before any use.
            try purge()
        } else if options.mode == .readWrite && opened.formatVersion < StoreFormat.version && opened.table.linkCount > 0
        {
            // The links that version 1 did not record were made on loading: keep them in the file.
            try compact()
        }
    }

    deinit {
        // A store dropped without close() still writes and syncs what it buffered.
        let leftovers: [Waiter] = state.withLock { state in
            guard var journal = state.journal else { return [] }
            if state.failure == nil && options.mode == .readWrite {
                try? writePending(&state, journal: &journal)
                try? journal.sync()
            }
            fileSystem.close(journal.descriptor)
            state.journal = nil
            return state.waiters
        }
        for waiter in leftovers {
            waiter.continuation.resume(throwing: closedError)
        }
    }

    // MARK: - ContactStore

    /// Reads a selection from memory.
    ///
    /// - Throws: ``FileContactStoreError`` when the store is closed or unusable.
    public func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        try state.withLock { (state) throws(FileContactStoreError) in
            try checkUsable(state)
            return state.table.select(selection)
        }
    }

    /// Runs one transaction and returns once its plan is as durable as ``options``'
    /// ``Options/durability`` promises.
    ///
    /// - Throws: ``FileContactStoreError`` when the store is closed, read-only or unusable,
    ///   or when writing or syncing fails (the store is then unusable until reopened); what
    ///   `plan` throws, such as ``ContactStoreError/invalidPlan(_:reason:)`` (nothing is
    ///   written, and the store stays usable); ``ContactStoreError/invalidPlan(_:reason:)``
    ///   too when the plan inserts a row and no id below `Int.max` is left.
    public func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        let (receipt, sequence) = try state.withLock { (state) throws -> (ContactStoreReceipt, UInt64?) in
            try checkWritable(state)
            let checked = try plan(state.table.select(selection))
            if checked.isEmpty {
                // Under grouped durability the rows read may have changed in a write whose
                // sync is still to come: then wait for it, so no answer shows what a crash could undo.
                return (
                    ContactStoreReceipt(plan: checked, insertedIDs: []),
                    state.unsyncedSequence(ofGroupsOf: checked.selected.rows)
                )
            }
            try state.table.checkIDsLeft(for: checked)
            return try commitLocked(checked, &state)
        }
        if let sequence {
            try await waitUntilSynced(sequence)
        }
        if options.purgesErasedValues && receipt.plan.plan.clearsValues {
            // Not acknowledged before the erased bytes have left the file.
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                ioQueue.async {
                    continuation.resume(with: Result { () throws(FileContactStoreError) in try self.purgeOnQueue() })
                }
            }
        }
        return receipt
    }

    /// Rows after `afterID` in id order, at most `limit`, from memory.
    ///
    /// - Throws: ``FileContactStoreError`` when the store is closed or unusable.
    public func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        try state.withLock { (state) throws(FileContactStoreError) in
            try checkUsable(state)
            return state.table.contacts(afterID: afterID, limit: limit)
        }
    }

    /// Links after `after` in ascending order, at most `limit`, from memory.
    ///
    /// - Throws: ``FileContactStoreError`` when the store is closed or unusable.
    public func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        try state.withLock { (state) throws(FileContactStoreError) in
            try checkUsable(state)
            return state.table.links(after: after, limit: limit)
        }
    }

    /// Loads checked rows and links into this empty store, all or nothing: they are written
    /// to a new file that atomically replaces the store's (as in ``compact()``), so after a
    /// crash the file holds either all of them or none.
    ///
    /// - Throws: ``ContactStoreError/notEmpty`` or ``FileContactStoreError``; nothing is loaded
    ///   when it throws.
    public func importContacts(_ contacts: ContactImport) async throws {
        let loaded = ContactTable(importing: contacts)
        let stringBytes = contacts.contacts.reduce(0) {
            $0 + ($1.email?.utf8.count ?? 0) + ($1.phoneNumber?.utf8.count ?? 0)
        }
        let result: Result<[Waiter], any Error> = await withCheckedContinuation { continuation in
            ioQueue.async {
                continuation.resume(
                    returning: Result { () throws -> [Waiter] in
                        try self.state.withLock { (state) throws -> [Waiter] in
                            try self.checkWritable(state)
                            guard state.table.isEmpty else { throw ContactStoreError.notEmpty }
                            try self.compactLocked(&state, table: loaded)
                            state.table = loaded
                            state.stringBytes = stringBytes
                            Self.updateCompactionThreshold(&state, options: self.options)
                            return state.takeSyncedWaiters()
                        }
                    })
            }
        }
        try Self.resume(result.get(), with: .success(()))
    }

    // MARK: - Maintenance

    /// Writes and syncs every buffered change: when it returns, every change whose identify
    /// has returned is on stable storage. Needed only under ``Durability/deferred``.
    ///
    /// - Throws: ``FileContactStoreError`` when the store is closed or unusable, or the write
    ///   or sync fails (the store is then unusable). Does nothing on a read-only store.
    public func sync() throws(FileContactStoreError) {
        let result: Result<[Waiter], FileContactStoreError> = ioQueue.sync {
            state.withLock { state in
                Result { () throws(FileContactStoreError) -> [Waiter] in
                    try checkUsable(state)
                    guard options.mode == .readWrite, var journal = state.journal else { return [] }
                    try flushPending(&state, journal: &journal, sync: true)
                    state.markSynced(upTo: state.appendedSequence)
                    return state.takeSyncedWaiters()
                }
            }
        }
        Self.resume(try result.get(), with: .success(()))
    }

    /// Removes from the file every byte of the values that erasures cleared since the last
    /// compaction, by compacting it (see ``compact()``); does nothing when there are none.
    ///
    /// Needed only with ``Options/purgesErasedValues`` off. The old file's blocks are freed,
    /// not overwritten: the file system, its journal and the disk may keep copies of freed
    /// blocks until they are reused, which only encryption at rest or secure deletion by the
    /// storage itself can rule out.
    ///
    /// - Throws: As ``compact()``.
    public func purge() throws(FileContactStoreError) {
        let result = ioQueue.sync { Result { () throws(FileContactStoreError) in try purgeOnQueue() } }
        try result.get()
    }

    /// ``purge()``, on ``ioQueue``.
    func purgeOnQueue() throws(FileContactStoreError) {
        let result: Result<[Waiter], FileContactStoreError> = state.withLock { state in
            Result { () throws(FileContactStoreError) -> [Waiter] in
                guard state.holdsErasedValues else { return [] }
                try checkWritable(state)
                try compactLocked(&state, table: nil)
                return state.takeSyncedWaiters()
            }
        }
        Self.resume(try result.get(), with: .success(()))
    }

    /// Rewrites the file as a snapshot of the rows and links, atomically: a new file is written and
    /// synced, renamed over the store's, and the directory synced; a crash at any point
    /// leaves either the old file or the new one, both complete.
    ///
    /// - Throws: ``FileContactStoreError`` when the store is closed, read-only or unusable, or
    ///   an I/O step fails. A failure before the rename leaves the store as it was (and
    ///   usable); a failure after it makes the store unusable.
    public func compact() throws(FileContactStoreError) {
        let result: Result<[Waiter], FileContactStoreError> = ioQueue.sync {
            state.withLock { state in
                Result { () throws(FileContactStoreError) -> [Waiter] in
                    try checkWritable(state)
                    try compactLocked(&state, table: nil)
                    return state.takeSyncedWaiters()
                }
            }
        }
        Self.resume(try result.get(), with: .success(()))
    }

    /// Writes and syncs everything, then closes the file and releases its lock. Later calls
    /// of other methods throw ``FileContactStoreError/Code/closed``; closing again does nothing.
    ///
    /// - Throws: ``FileContactStoreError`` when the final write or sync fails, or the store
    ///   was already unusable; the file is closed and unlocked in every case.
    public func close() throws(FileContactStoreError) {
        let (synced, waiters, error): ([Waiter], [Waiter], FileContactStoreError?) = ioQueue.sync {
            state.withLock { state in
                guard var journal = state.journal else { return ([], [], nil) }
                var error = state.failure.map { unusableError($0) }
                if error == nil && options.mode == .readWrite && state.holdsErasedValues {
                    do throws(FileContactStoreError) {
                        try compactLocked(&state, table: nil)
                        journal = state.journal ?? journal
                    } catch let failure {
                        error = failure
                    }
                }
                if error == nil && options.mode == .readWrite {
                    do throws(FileContactStoreError) {
                        try flushPending(&state, journal: &journal, sync: true)
                        state.markSynced(upTo: state.appendedSequence)
                        // A final marker lets a later open tell damage anywhere in the file from a
                        // torn tail. Best effort: everything before it is already durable, and a
                        // torn marker is just a torn tail.
                        if journal.syncedEnd > journal.markedEnd {
                            var marker = ByteWriter()
                            marker.appendSyncMarker(syncedEnd: journal.syncedEnd)
                            var closing = journal
                            if (try? closing.write(marker.bytes)) != nil {
                                try? closing.sync()
                            }
                        }
                    } catch let failure {
                        // `flushPending` has already made the store unusable.
                        error = failure
                    }
                }
                fileSystem.close(journal.descriptor)
                state.journal = nil
                let synced = state.takeSyncedWaiters()
                let waiters = state.waiters
                state.waiters = []
                return (synced, waiters, error)
            }
        }
        Self.resume(synced, with: .success(()))
        Self.resume(waiters, with: .failure(error ?? closedError))
        if let error { throw error }
    }

    // MARK: - Checks and errors

    var closedError: FileContactStoreError {
        FileContactStoreError(code: .closed, path: path, message: "the store was closed")
    }

    func unusableError(_ failure: FileContactStoreError) -> FileContactStoreError {
        FileContactStoreError(
            code: .unusable, path: path, offset: failure.offset, errno: failure.errno,
            message: "an earlier write or sync failed (\(failure.code): \(failure.message)); reopen the store")
    }

    func checkUsable(_ state: State) throws(FileContactStoreError) {
        guard state.journal != nil else { throw closedError }
        if let failure = state.failure { throw unusableError(failure) }
    }

    func checkWritable(_ state: State) throws(FileContactStoreError) {
        try checkUsable(state)
        guard options.mode == .readWrite else {
            throw FileContactStoreError(code: .readOnly, path: path, message: "the store was opened read-only")
        }
    }

    /// Marks the store unusable after a failed write or sync, drops the bytes that may not be
    /// durable, and returns the error to throw.
    @discardableResult
    func fail(_ state: inout State, _ error: FileContactStoreError) -> FileContactStoreError {
        if state.failure == nil {
            state.failure = error
            state.journal?.discardUnsyncedTail()
        }
        return error
    }

    static func resume(_ waiters: [Waiter], with result: Result<Void, FileContactStoreError>) {
        for waiter in waiters {
            waiter.continuation.resume(with: result.mapError { $0 as any Error })
        }
    }
}

extension FileContactStore.State {
    /// Removes and returns the waiters whose changes are synced.
    mutating func takeSyncedWaiters() -> [FileContactStore.Waiter] {
        guard !waiters.isEmpty else { return [] }
        var synced: [FileContactStore.Waiter] = []
        var waiting: [FileContactStore.Waiter] = []
        for waiter in waiters {
            if waiter.sequence <= syncedSequence { synced.append(waiter) } else { waiting.append(waiter) }
        }
        waiters = waiting
        return synced
    }
}
