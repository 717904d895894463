// swift-tools-version:6.1
import PackageDescription

// The benchmark lives in its own package so that the library keeps zero dependencies:
// GRDB is only needed here, for the SQLite baseline, and the PostgreSQL store example (with
// postgres-nio) for the `postgres` target.
let package = Package(
    name: "IdentityReconciliationBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "IdentityReconciliation", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(name: "PostgresContactStore", path: "../Examples/PostgresContactStore"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "identity-benchmark",
            dependencies: [
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "IdentityReconciliationTesting", package: "IdentityReconciliation"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresContactStore", package: "PostgresContactStore"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
