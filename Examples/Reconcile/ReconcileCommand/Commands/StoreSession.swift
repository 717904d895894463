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
/// ``open(_:)`` is the one place that chooses a store, so every subcommand works the
/// same over memory and over a file.
struct StoreSession {
    /// The store.
    let store: any ContactStore
    /// A note for standard error about something the store did on opening (a recovery), if any.
    let openingNote: String?

    private let syncAction: () throws -> Void
    private let verifyAction: () throws -> Void
    private let compactAction: () throws -> Void
    private let closeAction: () throws -> Void

    /// Opens the store the options name: in memory without a path, else a file store.
    ///
    /// - Throws: ``CommandFailure`` with status 2 when the store cannot be opened.
    static func open(_ options: StoreOptions) throws(CommandFailure) -> StoreSession {
        guard let path = options.path else {
            return StoreSession(
                store: InMemoryContactStore(), openingNote: nil, syncAction: {}, verifyAction: {}, compactAction: {},
                closeAction: {})
        }
        if options.mustExist && access(path, F_OK) != 0 {
            throw CommandFailure("no store at \(path)", status: .usageOrStoreError)
        }
        _ = options.durability
        throw CommandFailure(
            "cannot open \(path): the file store is not available in this build", status: .usageOrStoreError)
    }

    /// Makes every write so far durable (a no-op in memory).
    func sync() throws { try syncAction() }

    /// Checks the file's integrity (a no-op in memory).
    func verifyFile() throws { try verifyAction() }

    /// Rewrites the file without the history it no longer needs (a no-op in memory).
    func compact() throws { try compactAction() }

    /// Syncs and releases the store; call it once, when the command ends.
    func close() throws { try closeAction() }
}
