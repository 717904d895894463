import ArgumentParser
import IdentityReconciliation
import Logging

extension IdentifyServerCommand {
    /// Opens the store the flags choose and serves it.
    func openStoreAndServe(logger: Logger) async throws {
        if inMemory {
            logger.info("store opened", metadata: ["store": "memory"])
            try await serve(InMemoryContactStore(), logger: logger, close: {})
            return
        }
        let path = store ?? Self.defaultStorePath
        // FileContactStore lands with the file-store work; until then only --in-memory serves.
        throw ValidationError("the file store is not available in this build yet (\(path)); use --in-memory.")
    }
}
