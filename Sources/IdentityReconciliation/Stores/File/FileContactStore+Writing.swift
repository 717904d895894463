extension FileContactStore {
    /// Writes the pending records (and syncs them when `sync` is true), keeping the journal's
    /// new offsets in `state`. A failure makes the store unusable and is rethrown: nothing
    /// may be acknowledged that might not be on disk.
    func flushPending(_ state: inout State, journal: inout Journal, sync: Bool) throws(FileContactStoreError) {
        do throws(FileContactStoreError) {
            try writePending(&state, journal: &journal)
            if sync { try journal.sync() }
        } catch {
            state.journal = journal
            throw fail(&state, error)
        }
        state.journal = journal
    }

    /// Records and persists a checked plan inside the transaction's critical section.
    ///
    /// - Returns: The receipt, and under grouped durability the sequence number to wait for.
    func commitLocked(
        _ plan: consuming CheckedContactPlan, _ state: inout State
    ) throws(FileContactStoreError) -> (ContactStoreReceipt, UInt64?) {
        if state.formatVersion < StoreFormat.version && !ByteWriter.isVersion1Record(plan.plan) {
            // Rewritten as the current version before it gets a record the old one lacks.
            try compactLocked(&state, table: nil)
        }
        guard var journal = state.journal else { throw closedError }
        let insertedIDs = state.table.nextIDs(plan.insertCount)
        Self.appendPending(plan.plan, insertedIDs: insertedIDs, state: &state, journal: &journal)
        var sequence: UInt64?
        switch options.durability {
        case .immediate:
            // Written and synced before the plan is applied in memory: a failure leaves no trace.
            try flushPending(&state, journal: &journal, sync: true)
        case .deferred:
            state.journal = journal
            if state.pending.count >= options.writeBufferBytes {
                try flushPending(&state, journal: &journal, sync: false)
            }
        case .grouped:
            state.journal = journal
            state.appendedSequence += 1
            sequence = state.appendedSequence
            scheduleFlush(&state)
        }
        state.table.persist(plan, insertedIDs: insertedIDs)
        if plan.plan.clearsValues { state.holdsErasedValues = true }
        if let sequence {
            state.markUnsynced(plan, insertedIDs: insertedIDs, sequence: sequence)
        }
        state.stringBytes += Self.stringBytesAdded(by: plan, insertedIDs: insertedIDs)
        if options.durability != .grouped {
            try compactIfDue(&state)
        }
        return (ContactStoreReceipt(plan: plan, insertedIDs: insertedIDs), sequence)
    }

    /// How many UTF-8 bytes of values a plan adds to the rows (negative when it clears some).
    static func stringBytesAdded(by plan: CheckedContactPlan, insertedIDs: [Int]) -> Int {
        func size(_ row: Contact) -> Int { (row.email?.utf8.count ?? 0) + (row.phoneNumber?.utf8.count ?? 0) }
        var added = 0
        for write in plan.plan.writes {
            if case .insert(let email, let phoneNumber, _, _) = write {
                added += (email?.utf8.count ?? 0) + (phoneNumber?.utf8.count ?? 0)
            }
        }
        guard !plan.updatedRows.isEmpty else { return added }
        for row in plan.updatedRows { added += size(row) }
        for row in plan.selected.rows where plan.updatedRows.contains(where: { $0.id == row.id }) {
            added -= size(row)
        }
        return added
    }

    /// Adds a plan's record to the pending bytes, preceded by a sync marker when the
    /// synced end has moved since the last marker (the marker's claim is true when encoded).
    static func appendPending(_ plan: ContactPlan, insertedIDs: [Int], state: inout State, journal: inout Journal) {
        if state.pending.count == 0 && journal.syncedEnd > journal.markedEnd {
            state.pending.appendSyncMarker(syncedEnd: journal.syncedEnd)
            journal.markedEnd = journal.syncedEnd
        }
        state.pending.appendPlan(plan, insertedIDs: insertedIDs)
    }

    /// Writes the pending bytes at the journal's end (without syncing).
    func writePending(_ state: inout State, journal: inout Journal) throws(FileContactStoreError) {
        guard state.pending.count > 0 else { return }
        try journal.write(state.pending.bytes)
        state.pending.removeAll()
    }

    // MARK: - Grouped commit

    /// Queues a flush job unless one is queued or running.
    func scheduleFlush(_ state: inout State) {
        guard !state.flushScheduled else { return }
        state.flushScheduled = true
        ioQueue.async { self.flushLoop() }
    }

    /// Suspends until the change with this sequence number is synced.
    func waitUntilSynced(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, FileContactStoreError>? = state.withLock { state in
                if state.syncedSequence >= sequence { return .success(()) }
                // The failure that stopped the store is why this change was not synced.
                if let failure = state.failure { return .failure(failure) }
                guard state.journal != nil else { return .failure(closedError) }
                state.waiters.append(Waiter(sequence: sequence, continuation: continuation))
                scheduleFlush(&state)
                return nil
            }
            if let outcome {
                continuation.resume(with: outcome.mapError { $0 as any Error })
            }
        }
    }

    /// The grouped-commit loop, on ``ioQueue``: takes every pending record, writes them with
    /// one write and one `fdatasync` outside the lock (callers keep appending meanwhile),
    /// then wakes the callers they cover. Repeats until nothing is pending.
    func flushLoop() {
        while true {
            let job: (bytes: [UInt8], journal: Journal, sequence: UInt64)? = state.withLock { state in
                guard state.failure == nil, let journal = state.journal, state.pending.count > 0 else {
                    state.flushScheduled = false
                    return nil
                }
                let bytes = state.pending.bytes
                state.pending.removeAll()
                return (bytes, journal, state.appendedSequence)
            }
            guard let job else { return }
            var journal = job.journal
            var failure: FileContactStoreError?
            do throws(FileContactStoreError) {
                try journal.write(job.bytes)
                try journal.sync()
            } catch {
                failure = error
            }
            let (waiters, result): ([Waiter], Result<Void, FileContactStoreError>) = state.withLock { state in
                // Only this job moves these offsets; transactions may have moved `markedEnd`.
                state.journal?.writtenEnd = journal.writtenEnd
                state.journal?.syncedEnd = journal.syncedEnd
                state.journal?.allocatedEnd = journal.allocatedEnd
                var failed = failure
                if let failure {
                    fail(&state, failure)
                } else {
                    state.markSynced(upTo: job.sequence)
                    do throws(FileContactStoreError) {
                        try compactIfDue(&state)
                    } catch {
                        failed = error
                    }
                }
                if let failed {
                    state.flushScheduled = false
                    let waiters = state.waiters
                    state.waiters = []
                    return (waiters, .failure(failed))
                }
                return (state.takeSyncedWaiters(), .success(()))
            }
            Self.resume(waiters, with: result)
            if case .failure = result { return }
        }
    }
}
