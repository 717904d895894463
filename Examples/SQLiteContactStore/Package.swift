// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SQLiteContactStore",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SQLiteContactStore", targets: ["SQLiteContactStore"])
    ],
    dependencies: [
        .package(name: "IdentityReconciliation", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // The store: a ContactStore over SQLite's "Contact" table, through GRDB.
        .target(
            name: "SQLiteContactStore",
            dependencies: [
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "SQLiteContactStoreTests",
            dependencies: [
                "SQLiteContactStore",
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "IdentityReconciliationTesting", package: "IdentityReconciliation"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
