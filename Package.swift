// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "IdentityReconciliation",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "IdentityReconciliation", targets: ["IdentityReconciliation"]),
        .library(name: "IdentityReconciliationTesting", targets: ["IdentityReconciliationTesting"]),
    ],
    targets: [
        // The library: model, normalization, resolution rules and stores.
        .target(name: "IdentityReconciliation", dependencies: ["CRC32CHardware"]),
        // The store files' checksum with the CPU's CRC-32C instruction (x86-64 with SSE 4.2),
        // which Swift cannot emit: two C functions, used by the library's `CRC32C` only.
        .target(name: "CRC32CHardware"),
        // The test kit: conformance check, invariant checker, manual clock. No test framework.
        .target(
            name: "IdentityReconciliationTesting",
            dependencies: ["IdentityReconciliation"]
        ),

        // The README's example, run with `swift run QuickStart` and tested by running it. Not a
        // product: the other examples are packages of their own under Examples/.
        .executableTarget(
            name: "QuickStart",
            dependencies: ["IdentityReconciliation"],
            path: "Examples/QuickStart"
        ),

        // Tests.
        // What the test targets share (temporary directories, workloads, concurrent workers,
        // test stores); internal, not a product.
        .target(
            name: "IdentityReconciliationTestSupport",
            dependencies: ["IdentityReconciliation", "IdentityReconciliationTesting"],
            path: "Tests/IdentityReconciliationTestSupport"
        ),
        .testTarget(
            name: "IdentityReconciliationTests",
            dependencies: [
                "IdentityReconciliation", "IdentityReconciliationTesting", "IdentityReconciliationTestSupport",
            ],
            // Read through #filePath: version-1 store files for the format's compatibility tests.
            exclude: ["Fixtures"]
        ),
        // A child process for the file store's kill -9 crash test.
        .executableTarget(
            name: "FileStoreCrashHelper",
            dependencies: ["IdentityReconciliation", "IdentityReconciliationTestSupport"],
            path: "Tests/FileStoreCrashHelper"
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, only when IDENTITY_RECONCILIATION_FUZZ is set, so that a normal build and
// `swift test` neither see nor build them: `bash scripts/fuzz.sh` (see Fuzz/README.md) builds
// them with `swift build --sanitize=fuzzer` and runs each for a fixed time.
if Context.environment["IDENTITY_RECONCILIATION_FUZZ"] != nil {
    for name in ["FuzzRequestDecoder", "FuzzStoreLoader", "FuzzRowImport"] {
        package.targets.append(
            .executableTarget(name: name, dependencies: ["IdentityReconciliation"], path: "Fuzz/Sources/\(name)"))
    }
}
