import IdentityReconciliation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The store a command works on, and the few operations only a file store has.
///
/// ``open(_:statusWhenDamaged:)`` is the one place that chooses a store, so every
/// subcommand works the same over memory and over a file.
struct StoreSession {
    /// The store.
    let store: any ContactStore
    /// A note for standard error about something the store did on opening (a recovery), if any.
    let openingNote: String?

    private let file: FileContactStore?

    /// Opens the store the options name: in memory without a path, else a
    /// ``FileContactStore`` (created when missing, unless the options say it must exist).
    ///
    /// - Parameter statusWhenDamaged: The exit status when the file is damaged
    ///   (`corrupted`, not a store file, an unknown version); `verify` reports that as a finding.
    /// - Throws: ``CommandFailure`` when the store cannot be opened: status 2, or
    ///   `statusWhenDamaged` for a damaged file.
    static func open(
        _ options: StoreOptions, statusWhenDamaged: ExitStatus = .usageOrStoreError
    ) throws(CommandFailure) -> StoreSession {
        guard let path = options.path else {
            return StoreSession(store: InMemoryContactStore(), openingNote: nil, file: nil)
        }
        if options.mustExist && access(path, F_OK) != 0 {
            throw CommandFailure("no store at \(path)", status: .usageOrStoreError)
        }
        let file: FileContactStore
        do {
            file = try FileContactStore(
                path: path, durability: options.durability, mode: options.readOnly ? .readOnly : .readWrite)
        } catch {
            let damaged: Set<FileContactStoreError.Code> = [.corrupted, .notAStoreFile, .unsupportedVersion]
            throw CommandFailure(
                "cannot open \(error)", status: damaged.contains(error.code) ? statusWhenDamaged : .usageOrStoreError)
        }
        let note = file.recovery.map { "note: \(path): \($0) (a write was cut off)" }
        return StoreSession(store: file, openingNote: note, file: file)
    }

    /// Opens the store (``open(_:statusWhenDamaged:)``), prints its opening note, runs `body`
    /// and closes the store, also when `body` throws.
    static func using<T>(
        _ options: StoreOptions, statusWhenDamaged: ExitStatus = .usageOrStoreError,
        _ body: (StoreSession) async throws -> T
    ) async throws -> T {
        let session = try open(options, statusWhenDamaged: statusWhenDamaged)
        if let note = session.openingNote { Console.error(note) }
        let result: T
        do {
            result = try await body(session)
        } catch {
            try? session.close()
            throw error
        }
        try session.close()
        return result
    }

    /// Makes every write so far durable (a no-op in memory).
    func sync() throws { try file?.sync() }

    /// Checks the file's integrity and the invariants of its rows (a no-op in memory).
    func verifyFile() throws { try file?.verify() }

    /// Rewrites the file so it holds only the current rows (a no-op in memory).
    func compact() throws { try file?.compact() }

    /// Syncs and releases the store; call it once, when the command ends.
    func close() throws { try file?.close() }
}
