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

// The libFuzzer target of the CSV tokenizer, only when IDENTITY_RECONCILIATION_FUZZ is set (as
// in the root package), so that a normal build and `swift test` neither see nor build it:
// `bash scripts/fuzz.sh FuzzCSVTable` at the root builds it with `swift build --sanitize=fuzzer`
// and runs it. Its CSVTable.swift is a link to the tool's file, so it fuzzes the tool's own code
// without depending on the executable target; it needs nothing else (not even the library).
if Context.environment["IDENTITY_RECONCILIATION_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "FuzzCSVTable", path: "Fuzz/FuzzCSVTable"))
}
