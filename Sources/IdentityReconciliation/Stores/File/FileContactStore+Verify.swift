extension FileContactStore {
    /// Checks the whole file: reads it back, checks every header and record checksum and
    /// the records' consistency, checks that it holds exactly the rows and links the store
    /// serves, and checks ``ContactInvariants`` on them (and that every link joins one group).
    ///
    /// On a read-write store the buffered changes are written and synced first (as by
    /// ``sync()``), so the file can be compared with memory.
    ///
    /// - Throws: ``FileContactStoreError`` with ``FileContactStoreError/Code/corrupted`` (and the
    ///   offset, when one record is at fault) describing what is broken; or the store's
    ///   errors when it is closed or unusable, or reading fails.
    public func verify() throws(FileContactStoreError) {
        // The callers a sync answered are resumed outside the lock, whatever the check finds.
        let (synced, result): ([Waiter], Result<Void, FileContactStoreError>) = ioQueue.sync {
            state.withLock { state in
                var synced: [Waiter] = []
                let result = Result { () throws(FileContactStoreError) in
                    try checkUsable(state)
                    guard var journal = state.journal else { throw closedError }
                    if options.mode == .readWrite {
                        try flushPending(&state, journal: &journal, sync: true)
                        state.markSynced(upTo: state.appendedSequence)
                        synced = state.takeSyncedWaiters()
                    }
                    try verify(journal: journal, table: state.table)
                }
                return (synced, result)
            }
        }
        Self.resume(synced, with: .success(()))
        try result.get()
    }

    private func verify(journal: Journal, table: ContactTable) throws(FileContactStoreError) {
        let bytes = try Self.readAll(journal.descriptor, path: path, fileSystem: fileSystem)
        guard bytes.count >= StoreFormat.headerSize else {
            if table.isEmpty && StoreLoader.isHeaderPrefix(bytes) && options.mode == .readOnly { return }
            throw FileContactStoreError(code: .corrupted, path: path, offset: 0, message: "the file has no header")
        }
        let loaded: StoreLoader.Loaded
        do {
            loaded = try StoreLoader.load(bytes)
        } catch {
            switch error {
            case .notAStoreFile(let reason):
                throw FileContactStoreError(code: .corrupted, path: path, offset: 0, message: reason)
            case .unsupportedVersion(let version):
                throw FileContactStoreError(
                    code: .corrupted, path: path, offset: 8, message: "the header now says version \(version)")
            case .corrupted(let offset, let reason):
                throw FileContactStoreError(code: .corrupted, path: path, offset: offset, message: reason)
            }
        }
        if let damage = loaded.damage, damage.offset != recovery?.offset || options.mode == .readWrite {
            throw FileContactStoreError(
                code: .corrupted, path: path, offset: damage.offset,
                message: "\(damage.bytes) damaged byte(s) follow the last valid record")
        }
        guard loaded.end == journal.writtenEnd || options.mode == .readOnly else {
            throw FileContactStoreError(
                code: .corrupted, path: path, offset: loaded.end,
                message: "the valid records end at \(loaded.end), but the store wrote up to \(journal.writtenEnd)")
        }
        let fileRows = loaded.table.rows
        if let (_, differing) = zip(fileRows, table.rows).first(where: { $0 != $1 }) {
            throw FileContactStoreError(
                code: .corrupted, path: path, message: "contact \(differing.id) in the file differs from the store's")
        }
        guard fileRows.count == table.count else {
            throw FileContactStoreError(
                code: .corrupted, path: path,
                message: "the file holds \(fileRows.count) contacts, the store \(table.count)")
        }
        guard loaded.table.links == table.links else {
            throw FileContactStoreError(
                code: .corrupted, path: path,
                message:
                    "the file holds \(loaded.table.linkCount) links, which differ from the store's \(table.linkCount)")
        }
        do {
            // The checks of an import: the rows' invariants, and links that each join one group.
            _ = try ContactImport(contacts: fileRows, links: loaded.table.links)
        } catch {
            throw FileContactStoreError(code: .corrupted, path: path, message: error.description)
        }
    }
}
