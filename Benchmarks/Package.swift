// swift-tools-version:6.1
import PackageDescription

// The benchmark lives in its own package so that the library keeps zero dependencies: the
// SQLite store example (with GRDB) is the baseline, and the PostgreSQL store example (with
// postgres-nio) the `postgres` target.
let package = Package(
    name: "IdentityReconciliationBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "IdentityReconciliation", path: ".."),
        .package(name: "SQLiteContactStore", path: "../Examples/SQLiteContactStore"),
        .package(name: "PostgresContactStore", path: "../Examples/PostgresContactStore"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "identity-benchmark",
            dependencies: [
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "IdentityReconciliationTesting", package: "IdentityReconciliation"),
                .product(name: "SQLiteContactStore", package: "SQLiteContactStore"),
                .product(name: "PostgresContactStore", package: "PostgresContactStore"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
