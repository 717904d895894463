import Foundation
import NIOSSL
import PostgresNIO

/// Where and how to connect to PostgreSQL: from the usual `PG*` environment variables,
/// from a `postgres://` URL, or given directly.
///
/// ```swift
/// let settings = try PostgresConnectionSettings.environment()  // PGHOST, PGPORT, PGUSER, …
/// let fromURL = try PostgresConnectionSettings(url: "postgres://app:secret@db.local:5432/shop")
/// ```
public struct PostgresConnectionSettings: Sendable, Hashable, CustomStringConvertible {
    /// Where the server listens.
    public enum Endpoint: Sendable, Hashable {
        /// A TCP host name or address and port.
        case tcp(host: String, port: Int)
        /// The path of a Unix domain socket, such as `/run/postgresql/.s.PGSQL.5432`.
        case unixSocket(path: String)
    }

    /// Whether to use TLS, as libpq's `sslmode` (`allow` behaves as ``prefer``).
    public enum TLSMode: String, Sendable, Hashable {
        /// Never use TLS.
        case disable
        /// Use TLS when the server offers it, without verifying its certificate.
        case prefer
        /// Require TLS, without verifying the server's certificate.
        case require
        /// Require TLS and verify the server's certificate and host name (`verify-ca`/`verify-full`).
        case verifyFull = "verify-full"
    }

    /// Where the server listens.
    public var endpoint: Endpoint
    /// The role to log in as.
    public var username: String
    /// The password, or `nil` for none (trust or peer authentication).
    public var password: String?
    /// The database to open; `nil` means the database named like ``username``.
    public var database: String?
    /// Whether to use TLS; ignored for Unix domain sockets.
    public var tls: TLSMode

    /// Creates settings from their parts.
    public init(
        endpoint: Endpoint, username: String, password: String? = nil, database: String? = nil,
        tls: TLSMode = .prefer
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Whether the environment names a server with at least one of `PGHOST`, `PGPORT`,
    /// `PGDATABASE`, `PGUSER` (the variables libpq's clients read).
    public static func isConfigured(in environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER"].contains { environment[$0]?.isEmpty == false }
    }

    /// Settings from libpq's environment variables: `PGHOST` (a host name, or a directory
    /// holding the server's Unix socket when it starts with `/`; default `localhost`),
    /// `PGPORT` (default 5432), `PGUSER` (default `$USER`, then `postgres`), `PGPASSWORD`,
    /// `PGDATABASE` (default: the user name) and `PGSSLMODE` (default `prefer`).
    ///
    /// - Throws: ``PostgresContactStoreError/invalidSetting(name:reason:)`` for a bad port or `sslmode`.
    public static func environment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PostgresContactStoreError) -> PostgresConnectionSettings {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let port = try parsePort(value("PGPORT"), name: "PGPORT")
        let username = value("PGUSER") ?? value("USER") ?? "postgres"
        return PostgresConnectionSettings(
            endpoint: endpoint(host: value("PGHOST"), port: port),
            username: username,
            password: value("PGPASSWORD"),
            database: value("PGDATABASE"),
            tls: try parseTLSMode(value("PGSSLMODE"), name: "PGSSLMODE")
        )
    }

    /// Settings from a `postgres://` or `postgresql://` URL:
    /// `postgres://user:password@host:port/database?sslmode=disable`. A `host` query item
    /// starting with `/` names a Unix socket directory, as in libpq.
    ///
    /// - Throws: ``PostgresContactStoreError/invalidSetting(name:reason:)`` naming the part at fault.
    public init(url: String) throws(PostgresContactStoreError) {
        guard let components = URLComponents(string: url) else {
            throw .invalidSetting(name: "URL", reason: "not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidSetting(name: "URL scheme", reason: "expected postgres:// or postgresql://")
        }
        let items = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let port = try Self.parsePort(components.port.map(String.init), name: "URL port")
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? items["host"]
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        database = database.removingPercentEncoding ?? database
        self.init(
            endpoint: Self.endpoint(host: host, port: port),
            username: components.user.flatMap { $0.isEmpty ? nil : $0 } ?? items["user"]
                ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres",
            password: components.password ?? items["password"],
            database: database.isEmpty ? items["dbname"] : database,
            tls: try Self.parseTLSMode(items["sslmode"], name: "URL sslmode")
        )
    }

    /// `host:port` or the socket path, for messages. Never contains the password.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "\(host):\(port)"
        case .unixSocket(let path): path
        }
    }

    /// The configuration for a PostgresNIO `PostgresClient` (a connection pool).
    ///
    /// The pool keeps at least one connection open: PostgresNIO 1.33.2's pool, with no
    /// minimum, never replaces its last connection when it closes while calls wait for one
    /// (vapor/postgres-nio#657), and they would wait until their deadlines.
    ///
    /// - Parameter maximumConnections: The most connections the pool opens.
    public func clientConfiguration(maximumConnections: Int = 20) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tlsConfiguration: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: tlsConfiguration = .disable
            case .prefer: tlsConfiguration = .prefer(Self.unverifiedTLS)
            case .require: tlsConfiguration = .require(Self.unverifiedTLS)
            case .verifyFull: tlsConfiguration = .require(.makeClientConfiguration())
            }
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: tlsConfiguration)
        case .unixSocket(let path):
            configuration = PostgresClient.Configuration(
                unixSocketPath: path, username: username, password: password, database: database)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = min(1, maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The configuration for a single PostgresNIO `PostgresConnection`.
    ///
    /// - Throws: ``PostgresContactStoreError/invalidSetting(name:reason:)`` when the TLS context cannot be made.
    public func connectionConfiguration() throws(PostgresContactStoreError) -> PostgresConnection.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            let tlsConfiguration: PostgresConnection.Configuration.TLS
            do {
                switch tls {
                case .disable: tlsConfiguration = .disable
                case .prefer: tlsConfiguration = .prefer(try NIOSSLContext(configuration: Self.unverifiedTLS))
                case .require: tlsConfiguration = .require(try NIOSSLContext(configuration: Self.unverifiedTLS))
                case .verifyFull:
                    tlsConfiguration = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            } catch {
                throw .invalidSetting(name: "sslmode", reason: "cannot create a TLS context: \(error)")
            }
            return PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: tlsConfiguration)
        case .unixSocket(let path):
            return PostgresConnection.Configuration(
                unixSocketPath: path, username: username, password: password, database: database)
        }
    }

    // MARK: - Parsing

    private static var unverifiedTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }

    private static func endpoint(host: String?, port: Int) -> Endpoint {
        guard let host else { return .tcp(host: "localhost", port: port) }
        if host.hasPrefix("/") {
            let directory = host.hasSuffix("/") ? String(host.dropLast()) : host
            return .unixSocket(path: "\(directory)/.s.PGSQL.\(port)")
        }
        return .tcp(host: host, port: port)
    }

    private static func parsePort(_ text: String?, name: String) throws(PostgresContactStoreError) -> Int {
        guard let text else { return 5432 }
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw .invalidSetting(name: name, reason: "\(text.debugDescription) is not a port number (1–65535)")
        }
        return port
    }

    private static func parseTLSMode(_ text: String?, name: String) throws(PostgresContactStoreError) -> TLSMode {
        switch text?.lowercased() {
        case nil, "prefer", "allow": return .prefer
        case "disable": return .disable
        case "require": return .require
        case "verify-ca", "verify-full": return .verifyFull
        case let other?:
            throw .invalidSetting(
                name: name,
                reason: "\(other.debugDescription) is not one of disable, allow, prefer, require, verify-full")
        }
    }
}
