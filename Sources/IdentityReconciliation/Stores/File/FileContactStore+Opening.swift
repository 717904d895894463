#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension FileContactStore {
    /// What opening a file produced.
    struct Opened {
        var table: ContactTable
        var stringBytes: Int
        var journal: Journal
        var formatVersion: UInt32
        /// Whether the file still holds the bytes of values an erasure cleared (see ``FileContactStore/purge()``).
        var holdsErasedValues = false
        var recovery: FileStoreRecovery?
    }

    /// Opens, locks, reads, checks and (read-write) repairs the store file.
    static func open(
        path: String, options: Options, fileSystem: any FileSystem
    ) throws(FileContactStoreError) -> Opened {
        let writable = options.mode == .readWrite
        let descriptor = try openAndLock(path: path, writable: writable, fileSystem: fileSystem)
        do throws(FileContactStoreError) {
            return try load(path: path, descriptor: descriptor, options: options, fileSystem: fileSystem)
        } catch {
            fileSystem.close(descriptor)
            throw error
        }
    }

    /// `flock` with `LOCK_NB`, tried again for about 50 ms while the lock is held.
    ///
    /// A child process that another thread forks keeps a copy of every descriptor until it
    /// calls `exec` (only then does `O_CLOEXEC` close them), and with it the lock of a store
    /// that was just closed. Without the retry, reopening a store right after closing it
    /// fails now and then in any program that starts processes.
    private static func lockRetryingBriefly(
        _ descriptor: Int32, exclusive: Bool, fileSystem: any FileSystem
    ) throws(SystemCallError) {
        var attempts = 0
        while true {
            do {
                try fileSystem.lock(descriptor, exclusive: exclusive)
                return
            } catch  where error.errno == EWOULDBLOCK && attempts < 10 {
                attempts += 1
                usleep(5_000)
            }
        }
    }

    /// Opens the file and takes its lock, making sure the lock is on the file that has the
    /// name: a compaction may rename a new file over it between the open and the lock.
    private static func openAndLock(
        path: String, writable: Bool, fileSystem: any FileSystem
    ) throws(FileContactStoreError) -> Int32 {
        var attempts = 0
        while true {
            let descriptor: Int32
            do {
                descriptor = try fileSystem.open(path, flags: writable ? O_RDWR | O_CREAT : O_RDONLY, mode: 0o600)
            } catch {
                throw Journal.error(error, path: path, offset: nil, doing: "opening the store")
            }
            do throws(FileContactStoreError) {
                let opened: FileStatus
                do {
                    opened = try fileSystem.status(of: descriptor)
                } catch {
                    throw Journal.error(error, path: path, offset: nil, doing: "reading the file's status")
                }
                guard !opened.isDirectory else {
                    throw FileContactStoreError(code: .isDirectory, path: path, message: "the path is a directory")
                }
                do {
                    try lockRetryingBriefly(descriptor, exclusive: writable, fileSystem: fileSystem)
                } catch  where error.errno == EWOULDBLOCK {
                    throw FileContactStoreError(
                        code: .alreadyLocked, path: path,
                        message: "another store (in this or another process) has the file open")
                } catch {
                    throw Journal.error(error, path: path, offset: nil, doing: "locking the store")
                }
                let named = try? fileSystem.status(path: path)
                if named?.device == opened.device && named?.inode == opened.inode {
                    return descriptor
                }
            } catch {
                fileSystem.close(descriptor)
                throw error
            }
            fileSystem.close(descriptor)
            attempts += 1
            guard attempts < 100 else {
                throw FileContactStoreError(
                    code: .ioFailed, path: path, message: "the file kept being replaced while opening it")
            }
        }
    }

    /// Reads the whole file and rebuilds the rows from it.
    private static func load(
        path: String, descriptor: Int32, options: Options, fileSystem: any FileSystem
    ) throws(FileContactStoreError) -> Opened {
        let writable = options.mode == .readWrite
        let bytes = try readAll(descriptor, path: path, fileSystem: fileSystem)
        var journal = Journal(
            fileSystem: fileSystem, path: path, descriptor: descriptor, writtenEnd: bytes.count,
            syncedEnd: bytes.count, allocatedEnd: bytes.count, markedEnd: 0,
            chunk: max(options.preallocationBytes, 4_096))
        if bytes.count < StoreFormat.headerSize {
            // Empty, or a creation cut short: an empty store.
            guard StoreLoader.isHeaderPrefix(bytes) else {
                throw FileContactStoreError(
                    code: .notAStoreFile, path: path, message: "the file is too short to be a contact store")
            }
            if writable {
                try initialize(&journal)
            }
            return Opened(
                table: ContactTable(), stringBytes: 0, journal: journal, formatVersion: StoreFormat.version,
                recovery: nil)
        }
        let loaded: StoreLoader.Loaded
        do {
            loaded = try StoreLoader.load(bytes)
        } catch {
            switch error {
            case .notAStoreFile(let reason):
                throw FileContactStoreError(code: .notAStoreFile, path: path, offset: 0, message: reason)
            case .unsupportedVersion(let version):
                throw FileContactStoreError(
                    code: .unsupportedVersion, path: path, offset: 8,
                    message:
                        "the file has format version \(version); this library reads versions 1 to \(StoreFormat.version)"
                )
            case .corrupted(let offset, let reason):
                throw FileContactStoreError(code: .corrupted, path: path, offset: offset, message: reason)
            }
        }
        var recovery: FileStoreRecovery?
        journal.writtenEnd = loaded.end
        journal.syncedEnd = loaded.end
        if let damage = loaded.damage {
            recovery = FileStoreRecovery(offset: damage.offset, discardedBytes: damage.bytes, truncated: writable)
            if writable {
                do {
                    try fileSystem.truncate(descriptor, to: loaded.end)
                } catch {
                    throw Journal.error(error, path: path, offset: loaded.end, doing: "truncating the torn tail")
                }
                journal.allocatedEnd = loaded.end
            }
        }
        if writable {
            // What we read may still be only in the page cache (a process crash under
            // deferred durability): sync it before any marker claims it is durable.
            do {
                try fileSystem.sync(descriptor, metadata: true)
            } catch {
                throw Journal.error(error, path: path, offset: nil, doing: "syncing the store")
            }
            try? fileSystem.unlink(compactionPath(for: path))
        }
        guard !loaded.holdsErasedValues || writable else {
            throw FileContactStoreError(
                code: .purgePending, path: path,
                message: "a crash interrupted the purge of an erasure; open the store read-write to finish it")
        }
        return Opened(
            table: loaded.table, stringBytes: loaded.stringBytes, journal: journal, formatVersion: loaded.version,
            holdsErasedValues: loaded.holdsErasedValues, recovery: recovery)
    }

    /// Writes the header of a new (or interrupted) file, then syncs it and its directory entry.
    private static func initialize(_ journal: inout Journal) throws(FileContactStoreError) {
        let header = StoreFormat.header()
        try journal.writeAll(header, at: 0)
        do {
            try journal.fileSystem.truncate(journal.descriptor, to: header.count)
            try journal.fileSystem.sync(journal.descriptor, metadata: true)
        } catch {
            throw Journal.error(error, path: journal.path, offset: nil, doing: "creating the store")
        }
        do {
            try journal.fileSystem.syncDirectory(directory(of: journal.path))
        } catch {
            throw Journal.error(error, path: directory(of: journal.path), offset: nil, doing: "syncing the directory")
        }
        journal.writtenEnd = header.count
        journal.syncedEnd = header.count
        journal.allocatedEnd = header.count
    }

    /// Reads the whole file.
    static func readAll(
        _ descriptor: Int32, path: String, fileSystem: any FileSystem
    ) throws(FileContactStoreError) -> [UInt8] {
        let size: Int
        do {
            size = try fileSystem.status(of: descriptor).size
        } catch {
            throw Journal.error(error, path: path, offset: nil, doing: "reading the file's status")
        }
        // Array(unsafeUninitializedCapacity: 0) stores its count into the shared empty-array
        // singleton: a write other threads opening empty files race with (ThreadSanitizer
        // reports it).
        guard size > 0 else { return [] }
        var failure: FileContactStoreError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let read: Int
                do throws(SystemCallError) {
                    read = try fileSystem.read(
                        descriptor,
                        into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[done...])),
                        at: done)
                } catch {
                    failure = Journal.error(error, path: path, offset: done, doing: "reading the store")
                    break
                }
                if read == 0 { break }  // The file shrank while reading: read what there is.
                done += read
            }
            count = done
        }
        if let failure { throw failure }
        return bytes
    }
}
