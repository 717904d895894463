import ArgumentParser
import IdentifyServer
import IdentityReconciliation
import Logging

/// `identify-server`: the task's `POST /identify` as an HTTP service.
@main
struct IdentifyServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify-server",
        abstract: "Serves POST /identify (the identity reconciliation task) over HTTP.",
        discussion: """
            Stops on SIGINT or SIGTERM: stops accepting connections, answers the requests in flight, \
            then closes the store.
            """
    )

    /// Where `--store` points when neither it nor `--in-memory` is given.
    static let defaultStorePath = "./contacts.store"

    /// How often a store opened with deferred durability is synced while serving.
    static let syncInterval = Duration.seconds(1)

    @Option(help: "The contact store file, created when missing. (default: \(Self.defaultStorePath))")
    var store: String?

    @Flag(help: "Keep contacts in memory only: nothing survives a restart.")
    var inMemory = false

    @Option(
        help: """
            When a file store's changes reach the disk: immediate (synced before each answer), grouped \
            (likewise, one sync shared by concurrent requests) or deferred (synced every second and \
            on shutdown; a crash may lose the last second).
            """)
    var durability: FileContactStore.Durability = .immediate

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one and logs it.")
    var port = 8080

    @Option(help: "The lowest level logged: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(
        help: """
            A file holding the admin token (read once at start; a trailing line break is ignored). \
            With it, DELETE /contacts/{id}, POST /forget and POST /contacts/{id}/erase are served to \
            requests with 'Authorization: Bearer <token>'; without it they are not routed at all.
            """)
    var adminTokenFile: String?

    func validate() throws {
        if inMemory && store != nil {
            throw ValidationError("--store and --in-memory cannot be used together.")
        }
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port must be from 0 to 65535.")
        }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "identify-server")
        logger.logLevel = level
        // Before the store is opened: a refused token leaves nothing behind.
        let adminToken = try adminTokenFile.map { path throws(AdminTokenError) in
            try AdminToken(contentsOfFile: path)
        }
        if let adminTokenFile {
            logger.info("admin routes enabled", metadata: ["admin_token_file": "\(adminTokenFile)"])
        }
        try await openStoreAndServe(adminToken: adminToken, logger: logger)
    }

    /// Serves `store` until a shutdown signal, then closes it.
    ///
    /// With an `adminToken`, the destructive routes are served too (to requests carrying it).
    ///
    /// The store is closed only after the server has answered every request in flight, so
    /// nothing is written to a closed store; it is closed on failure too.
    ///
    /// - Parameters:
    ///   - periodicSync: Called every ``syncInterval`` while serving (deferred durability), so
    ///     a crash loses at most about that much; stopped before the store is closed.
    ///   - close: Closes the store. Synchronous on purpose: with an `async` closure here, the
    ///     release build crashed the Swift 6.3.1 compiler (signal 11 in LLVM's coroutine
    ///     splitting, specializing this function for `FileContactStore`).
    func serve<Store: ContactStore>(
        _ store: Store, adminToken: AdminToken?, logger: Logger, periodicSync: (@Sendable () throws -> Void)? = nil,
        close: @Sendable () throws -> Void
    ) async throws {
        let host = self.host
        let app = IdentifyApp.makeApplication(
            resolver: IdentityResolver(store: store), adminToken: adminToken, host: host, port: port, logger: logger
        ) { boundPort in
            logger.info("listening", metadata: ["host": "\(host)", "port": "\(boundPort.map(String.init) ?? "?")"])
        }
        let syncer = periodicSync.map { sync in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.syncInterval)
                    do {
                        try sync()
                    } catch {
                        // The store is unusable now and says so to every request; stop trying.
                        logger.error("periodic sync failed", metadata: ["error": "\(error)"])
                        return
                    }
                }
            }
        }
        do {
            try await app.runService()
        } catch {
            logger.error("server failed", metadata: ["error": "\(error)"])
            syncer?.cancel()
            await syncer?.value
            try? close()
            throw error
        }
        syncer?.cancel()
        await syncer?.value
        try close()
        logger.info("stopped; store closed")
    }
}

// Both are String enums listing every case: ArgumentParser's default implementation parses
// and lists them. Only this executable parses them, so no other conformance can conflict.
extension Logger.Level: @retroactive ExpressibleByArgument {}
extension FileContactStore.Durability: @retroactive ExpressibleByArgument {}
