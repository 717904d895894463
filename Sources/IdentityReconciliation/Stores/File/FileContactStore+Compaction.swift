#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension FileContactStore {
    /// Rows per ``StoreFormat/RecordType/rows`` record of a snapshot.
    static let rowsPerRecord = 4_096

    /// The path of the file a compaction writes before renaming it over the store's.
    static func compactionPath(for path: String) -> String { path + ".compact" }

    /// The directory holding `path`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// About how large a snapshot of the rows and links is.
    static func estimatedSnapshotSize(_ state: State) -> Int {
        StoreFormat.headerSize + state.table.count * 40 + state.table.linkCount * 48 + state.stringBytes
    }

    static func updateCompactionThreshold(_ state: inout State, options: Options) {
        guard options.automaticCompaction, options.mode == .readWrite else {
            state.compactionThreshold = .max
            return
        }
        let scaled = Double(estimatedSnapshotSize(state)) * max(options.compactionRatio, 1)
        state.compactionThreshold = max(options.compactionMinimumBytes, Int(min(scaled, Double(Int.max / 2))))
    }

    /// Compacts when the journal has grown past the threshold. A failure before the rename
    /// leaves the old file in use and postpones the next attempt.
    ///
    /// - Throws: The error of a failure after the rename, which made the store unusable.
    func compactIfDue(_ state: inout State) throws(FileContactStoreError) {
        guard state.failure == nil, let journal = state.journal, journal.writtenEnd > state.compactionThreshold else {
            return
        }
        do {
            try compactLocked(&state, table: nil)
        } catch {
            if let failure = state.failure { throw failure }
            state.compactionThreshold = journal.writtenEnd * 2
        }
    }

    /// Writes the rows and links of `table` (the store's when `nil`) as a snapshot to a new
    /// file of the current format version and renames it over the store's: temp file,
    /// write, `fsync`, `rename`, `fsync` of the directory.
    ///
    /// The pending records are part of the snapshot, so they are dropped, and every change
    /// so far counts as synced.
    func compactLocked(_ state: inout State, table: ContactTable?) throws(FileContactStoreError) {
        guard let old = state.journal else { throw closedError }
        let temporary = Self.compactionPath(for: path)
        try? fileSystem.unlink(temporary)
        let descriptor: Int32
        do {
            descriptor = try fileSystem.open(temporary, flags: O_RDWR | O_CREAT | O_TRUNC, mode: 0o600)
        } catch {
            throw Journal.error(error, path: temporary, offset: nil, doing: "creating the compaction file")
        }
        var journal = Journal(
            fileSystem: fileSystem, path: temporary, descriptor: descriptor, writtenEnd: 0, syncedEnd: 0,
            allocatedEnd: .max, markedEnd: 0, chunk: max(options.preallocationBytes, 4_096))
        do throws(FileContactStoreError) {
            do {
                // Locked before it gets the store's name, so no opener can slip in after the rename.
                try fileSystem.lock(descriptor, exclusive: true)
            } catch {
                throw Journal.error(error, path: temporary, offset: nil, doing: "locking the compaction file")
            }
            let table = table ?? state.table
            var writer = ByteWriter(reservingCapacity: 1 << 22)
            writer.append(bytes: StoreFormat.header())
            var index = 0
            while index < table.count {
                let end = min(table.count, index + Self.rowsPerRecord)
                writer.appendRows(table.rows(at: index..<end)[...])
                index = end
                if writer.count >= 1 << 22 {
                    try journal.write(writer.bytes)
                    writer.removeAll()
                }
            }
            if table.linkCount > 0 {
                let links = table.links
                for start in stride(from: 0, to: links.count, by: Self.rowsPerRecord) {
                    writer.appendLinks(links[start..<min(links.count, start + Self.rowsPerRecord)])
                }
            }
            try journal.write(writer.bytes)
            // Preallocate the journal's first chunk after the snapshot.
            let dataEnd = journal.writtenEnd
            let zeros = [UInt8](repeating: 0, count: journal.chunk)
            try journal.writeAll(zeros, at: dataEnd)
            journal.allocatedEnd = dataEnd + zeros.count
            do {
                try fileSystem.sync(descriptor, metadata: true)
            } catch {
                throw Journal.error(error, path: temporary, offset: nil, doing: "syncing the compaction file")
            }
            journal.syncedEnd = dataEnd
            do {
                try fileSystem.rename(temporary, to: path)
            } catch {
                throw Journal.error(error, path: temporary, offset: nil, doing: "renaming the compaction file")
            }
        } catch {
            fileSystem.close(descriptor)
            try? fileSystem.unlink(temporary)
            throw error
        }
        // The new file has the store's name now: use it whatever happens next.
        fileSystem.close(old.descriptor)
        journal.path = path
        state.journal = journal
        state.formatVersion = StoreFormat.version
        state.holdsErasedValues = false
        state.pending.removeAll()
        state.markSynced(upTo: state.appendedSequence)
        do {
            try fileSystem.syncDirectory(Self.directory(of: path))
        } catch {
            throw fail(&state, Journal.error(error, path: path, offset: nil, doing: "syncing the directory"))
        }
        Self.updateCompactionThreshold(&state, options: options)
    }
}
