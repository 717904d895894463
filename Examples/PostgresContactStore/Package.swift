// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "PostgresContactStore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PostgresContactStore", targets: ["PostgresContactStore"])
    ],
    dependencies: [
        .package(name: "IdentityReconciliation", path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The store: a ContactStore over PostgreSQL's "Contact" table.
        .target(
            name: "PostgresContactStore",
            dependencies: [
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // A child process for the cross-process test: identifies a seeded workload against PG*.
        .executableTarget(
            name: "postgres-identify-worker",
            dependencies: [
                "PostgresContactStore",
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "IdentityReconciliationTesting", package: "IdentityReconciliation"),
            ]
        ),
        .testTarget(
            name: "PostgresContactStoreTests",
            dependencies: [
                "PostgresContactStore",
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "IdentityReconciliationTesting", package: "IdentityReconciliation"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
