import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

/// The example store of the article "Implementing a ContactStore" (`Support/ArrayContactStore.swift`)
/// passes the conformance check, and the article shows exactly that code.
@Suite("The article's ArrayContactStore")
struct ArrayContactStoreTests {
    @Test func conformance() async throws {
        try await ContactStoreConformance { ArrayContactStore() }.run()
    }

    @Test func articleShowsThisFile() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let source = try String(
            contentsOf: tests.appendingPathComponent("Support/ArrayContactStore.swift"), encoding: .utf8)
        let article = try String(
            contentsOf: tests.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(
                    "Sources/IdentityReconciliation/IdentityReconciliation.docc/ImplementingAContactStore.md"),
            encoding: .utf8)
        // The file after its leading comment, which says where it comes from.
        let code = source.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0.hasPrefix("//") || $0.isEmpty }
            .joined(separator: "\n")
        #expect(code.hasPrefix("import IdentityReconciliation\n"))
        #expect(article.contains("```swift\n" + code + "```\n"), "the article's snippet differs from the file")
    }
}
