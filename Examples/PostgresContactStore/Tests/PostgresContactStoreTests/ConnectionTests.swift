import Foundation
import PostgresNIO
import Testing

@testable import PostgresContactStore

/// Settings, errors and timestamp rounding: no server needed.
@Suite("Connection settings")
struct ConnectionTests {
    @Test func environmentVariables() throws {
        let settings = try PostgresConnectionSettings.environment([
            "PGHOST": "db.local", "PGPORT": "6543", "PGUSER": "app", "PGPASSWORD": "secret",
            "PGDATABASE": "shop", "PGSSLMODE": "require",
        ])
        #expect(
            settings
                == PostgresConnectionSettings(
                    endpoint: .tcp(host: "db.local", port: 6543), username: "app", password: "secret",
                    database: "shop", tls: .require))
        let socket = try PostgresConnectionSettings.environment(["PGHOST": "/run/postgresql", "PGUSER": "me"])
        #expect(socket.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(socket.database == nil && socket.tls == .prefer)
        #expect(PostgresConnectionSettings.isConfigured(in: ["PGPORT": "5432"]))
        #expect(!PostgresConnectionSettings.isConfigured(in: ["HOME": "/root"]))
    }

    @Test func badSettingsAreNamed() {
        #expect(
            throws: PostgresContactStoreError.invalidSetting(
                name: "PGPORT", reason: "\"x\" is not a port number (1–65535)")
        ) {
            try PostgresConnectionSettings.environment(["PGPORT": "x"])
        }
        let sslMode = #expect(throws: PostgresContactStoreError.self) {
            try PostgresConnectionSettings.environment(["PGSSLMODE": "sometimes"])
        }
        #expect(Self.settingName(sslMode) == "PGSSLMODE")
        let scheme = #expect(throws: PostgresContactStoreError.self) {
            try PostgresConnectionSettings(url: "mysql://localhost/db")
        }
        #expect(Self.settingName(scheme) == "URL scheme")
    }

    static func settingName(_ error: PostgresContactStoreError?) -> String? {
        guard case .invalidSetting(let name, _) = error else { return nil }
        return name
    }

    @Test func urls() throws {
        let settings = try PostgresConnectionSettings(url: "postgres://app:p%40ss@db.local:6000/shop?sslmode=disable")
        #expect(
            settings
                == PostgresConnectionSettings(
                    endpoint: .tcp(host: "db.local", port: 6000), username: "app", password: "p@ss", database: "shop",
                    tls: .disable))
        let socket = try PostgresConnectionSettings(url: "postgresql:///shop?host=/tmp/pg&user=me")
        #expect(socket.endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.5432"))
        #expect(socket.username == "me" && socket.database == "shop")
        #expect(!settings.description.contains("p@ss"))
    }

    @Test func unreachableServerIsATypedError() async throws {
        // Nothing listens on a port we just bound and released.
        let port = try Self.unusedPort()
        let settings = PostgresConnectionSettings(
            endpoint: .tcp(host: "127.0.0.1", port: port), username: "nobody", tls: .disable)
        let error = await #expect(throws: PostgresContactStoreError.self) {
            try await PostgresContactStore.withStore(settings: settings) { _ in 0 }
        }
        guard case .unreachable(let endpoint, _) = error else {
            Issue.record("expected .unreachable, got \(String(describing: error))")
            return
        }
        #expect(endpoint == "127.0.0.1:\(port)")
    }

    @Test(arguments: [
        1_700_000_000.0, 1_700_000_000.5, 1_600_000_000.000_001, 946_684_800, 946_684_799.999_999, 0,
        1_700_000_000.123_456_7,
    ])
    func timestampsRoundTrip(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let rounded = PostgresTimestamp.rounded(date)
        #expect(abs(rounded.timeIntervalSince(date)) <= 0.000_000_7)
        #expect(PostgresTimestamp(rounded) == PostgresTimestamp(date))
        #expect(PostgresTimestamp.rounded(rounded) == rounded)
        if seconds == seconds.rounded() { #expect(rounded == date, "whole seconds must be kept exactly") }
    }

    @Test func columnPrecisionRoundsLikePostgreSQL() {
        var layout = ContactTableLayout(schema: "public")
        layout.timestampPrecision = 3
        let date = Date(timeIntervalSince1970: 1_700_000_000.123_5)
        #expect(PostgresTimestamp(layout.stored(date)).microseconds % 1_000 == 0)
        #expect(abs(layout.stored(date).timeIntervalSince1970 - 1_700_000_000.124) < 1e-6)
        #expect(ContactTableLayout(schema: "a\"b").qualifiedName == "\"a\"\"b\".\"Contact\"")
    }

    static func unusedPort() throws -> Int {
        let socket = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).wait()
        let port = socket.localAddress?.port ?? 1
        try socket.close().wait()
        return port
    }
}
