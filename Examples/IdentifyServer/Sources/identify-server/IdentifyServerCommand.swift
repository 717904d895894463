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
            With it, DELETE /contacts/{id}, POST /forget, POST /contacts/{id}/erase, \
            GET /contacts/{id}/explain and GET /report are served to requests with \
            'Authorization: Bearer <token>'; without it they are not routed at all.
            """)
    var adminTokenFile: String?

    @Option(
        help: """
            The most connections held open at once, lowered at start to fit under the open-file \
            limit with \(ServerLimits.reservedDescriptors) descriptors to spare. Beyond it a new \
            connection closes the one idle longest, or is closed itself when every connection is \
            in the middle of a request.
            """)
    var maxConnections = ServerLimits().maxConnections

    @Option(help: "Seconds a connection may stay open without a request (after connecting or after an answer).")
    var idleTimeout: Double = 60

    @Option(
        help: """
            Seconds a request may take to arrive, from its first byte to the end of its body; \
            the connection is closed when it has not.
            """)
    var requestTimeout: Double = 30

    @Option(help: "The length of the queue of connections the kernel holds until the server accepts them.")
    var backlog = ServerLimits().backlog

    /// The values `POST /identify` ignores and the limits per person.
    @OptionGroup(title: "Protecting the identity graph")
    var protectionOptions: ProtectionOptions

    /// The limits the flags give, before the connection cap is fitted to the open-file limit.
    var limits: ServerLimits {
        ServerLimits(
            maxConnections: maxConnections, idleTimeout: .milliseconds(Int64(idleTimeout * 1_000)),
            requestTimeout: .milliseconds(Int64(requestTimeout * 1_000)), backlog: backlog)
    }

    func validate() throws {
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
        // A day at most: a longer wait is no timeout, and the milliseconds stay far from overflow.
        for (flag, seconds) in [("--idle-timeout", idleTimeout), ("--request-timeout", requestTimeout)] {
            guard seconds > 0, seconds <= 86_400 else {
                throw ValidationError("\(flag) must be more than 0 and at most 86400 seconds.")
            }
        }
        guard (1...65_535).contains(backlog) else { throw ValidationError("--backlog must be from 1 to 65535.") }
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
        // Validated already (ProtectionOptions.validate); built again here, the block file read once more.
        let protection = try protectionOptions.protection()
        logger.info("protection", metadata: ProtectionOptions.logMetadata(of: protection))
        try await openStoreAndServe(adminToken: adminToken, protection: protection, logger: logger)
    }

    /// Serves `store` until a shutdown signal, then closes it.
    ///
    /// With an `adminToken`, the destructive routes are served too (to requests carrying it).
    /// `POST /identify` decides under `protection`.
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
        _ store: Store, adminToken: AdminToken?, protection: GraphProtection, logger: Logger,
        periodicSync: (@Sendable () throws -> Void)? = nil,
        close: @Sendable () throws -> Void
    ) async throws {
        let host = self.host
        var limits = self.limits
        // Connections beyond the open-file limit would fail in accept and leave the runtime no
        // descriptor (libdispatch aborts when it cannot open /proc files): raise it, fit under it.
        let openFiles = OpenFileLimit.raiseSoftToHard()
        if let openFiles {
            limits.maxConnections = limits.connectionCap(openFileLimit: openFiles.soft)
        }
        logger.info(
            "limits",
            metadata: [
                "open_files": "\(openFiles.map(String.init(describing:)) ?? "unknown")",
                "max_connections": "\(limits.maxConnections)",
                "idle_timeout": "\(limits.idleTimeout)", "request_timeout": "\(limits.requestTimeout)",
                "backlog": "\(limits.backlog)",
            ])
        let app = IdentifyApp.makeApplication(
            resolver: IdentityResolver(store: store, protection: protection), adminToken: adminToken, host: host,
            port: port, limits: limits,
            logger: logger
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
