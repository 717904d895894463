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

    @Option(help: "The contact store file, created when missing. (default: \(Self.defaultStorePath))")
    var store: String?

    @Flag(help: "Keep contacts in memory only: nothing survives a restart.")
    var inMemory = false

    @Option(help: "When a file store's writes reach the disk: immediate (before each answer), grouped, or deferred.")
    var durability: DurabilityOption = .immediate

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one and logs it.")
    var port = 8080

    @Option(help: "The lowest level logged: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

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
        try await openStoreAndServe(logger: logger)
    }

    /// Serves `store` until a shutdown signal, then closes it.
    ///
    /// The store is closed only after the server has answered every request in flight, so
    /// nothing is written to a closed store; it is closed on failure too.
    func serve<Store: ContactStore>(
        _ store: Store, logger: Logger, close: @Sendable () async throws -> Void
    ) async throws {
        let host = self.host
        let app = IdentifyApp.makeApplication(
            resolver: IdentityResolver(store: store), host: host, port: port, logger: logger
        ) { boundPort in
            logger.info("listening", metadata: ["host": "\(host)", "port": "\(boundPort.map(String.init) ?? "?")"])
        }
        do {
            try await app.runService()
        } catch {
            logger.error("server failed", metadata: ["error": "\(error)"])
            try? await close()
            throw error
        }
        try await close()
        logger.info("stopped; store closed")
    }
}

// Logger.Level is a String enum with every case listed: ArgumentParser's default
// implementation parses and lists it. Nothing else in this executable could conflict.
extension Logger.Level: @retroactive ExpressibleByArgument {}
