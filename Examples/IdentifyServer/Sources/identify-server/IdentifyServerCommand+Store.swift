import IdentifyServer
import IdentityReconciliation
import Logging

extension IdentifyServerCommand {
    /// Opens the store the flags choose, serves it (with the destructive routes when there is an
    /// `adminToken`) and `POST /identify` deciding under `protection`, and closes it after the
    /// server stops.
    func openStoreAndServe(adminToken: AdminToken?, protection: GraphProtection, logger: Logger) async throws {
        if inMemory {
            logger.info("store opened", metadata: ["store": "memory"])
            try await serve(
                InMemoryContactStore(), adminToken: adminToken, protection: protection, logger: logger, close: {})
            return
        }
        let path = store ?? Self.defaultStorePath
        // Throws (and the command exits 1 with the error) when the file is locked by another
        // server, is not a store file, or is damaged where it had been synced.
        let fileStore = try FileContactStore(path: path, durability: durability)
        logger.info("store opened", metadata: ["store": "\(path)", "durability": "\(durability.rawValue)"])
        if let recovery = fileStore.recovery {
            logger.warning("store recovered from a crash", metadata: ["recovery": "\(recovery)"])
        }
        // Deferred durability syncs only when asked: ask every second while serving.
        var periodicSync: (@Sendable () throws -> Void)?
        if durability == .deferred {
            periodicSync = { try fileStore.sync() }
        }
        try await serve(
            fileStore, adminToken: adminToken, protection: protection, logger: logger, periodicSync: periodicSync,
            close: { try fileStore.close() })
    }
}
