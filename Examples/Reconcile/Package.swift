// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Reconcile",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reconcile", targets: ["reconcile"])
    ],
    dependencies: [
        .package(name: "IdentityReconciliation", path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // The command-line tool: subcommands on swift-argument-parser, streams, CSV.
        .executableTarget(
            name: "reconcile",
            dependencies: [
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Runs the built `reconcile` binary, as swift-argument-parser tests its examples.
        .testTarget(
            name: "ReconcileTests",
            dependencies: [
                "reconcile",
                .product(name: "IdentityReconciliation", package: "IdentityReconciliation"),
                .product(name: "IdentityReconciliationTesting", package: "IdentityReconciliation"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
