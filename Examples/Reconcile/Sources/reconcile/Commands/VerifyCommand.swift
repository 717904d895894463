import ArgumentParser
import IdentityReconciliation

/// `reconcile verify`: checks the file and the invariants.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the store file's integrity and the contact invariants.",
        discussion: """
            Prints a one-line summary and exits with status 0 when the store is sound; prints
            every problem found and exits with status 1 when it is not.
            """
    )

    @OptionGroup var store: RequiredStoreOption

    func run() async throws {
        let session = try StoreSession.open(
            StoreOptions(path: store.store, readOnly: true, mustExist: true), statusWhenDamaged: .failure)
        if let note = session.openingNote { Console.error(note) }
        defer { try? session.close() }
        do {
            try session.verifyFile()
        } catch {
            Console.error("\(store.store) is damaged: \(error)")
            throw ExitStatus.failure
        }
        let rows = try await Self.allRows(of: session.store)
        let violations = ContactInvariants.violations(in: rows)
        guard violations.isEmpty else {
            Console.error("\(store.store) breaks \(violations.count) invariant(s):")
            for violation in violations { Console.writeError("  \(violation)\n") }
            throw ExitStatus.failure
        }
        let groups = rows.count { $0.isLive && $0.linkPrecedence == .primary }
        let deleted = rows.count { !$0.isLive }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        output.bytes.append(
            contentsOf: "ok: \(rows.count) row(s), \(groups) group(s), \(deleted) soft-deleted".utf8)
        try output.endLine()
        try output.flush()
    }

    static func allRows(of store: some ContactStore) async throws -> [Contact] {
        var rows: [Contact] = []
        var afterID = 0
        while true {
            let page = try await store.contacts(afterID: afterID, limit: 10_000)
            rows.append(contentsOf: page)
            guard let last = page.last else { return rows }
            afterID = last.id
        }
    }
}
