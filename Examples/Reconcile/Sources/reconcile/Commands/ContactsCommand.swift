import ArgumentParser
import IdentityReconciliation

/// `reconcile contacts`: every row as JSON lines, in id order, then every link.
struct ContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Print every row of the store, then its links, as JSON lines.",
        discussion: """
            Each row's line has the task's column names: id, phoneNumber, email, linkedId,
            linkPrecedence, createdAt, updatedAt, deletedAt (ISO 8601 with milliseconds, UTC),
            in id order. Soft-deleted rows are included. After the rows come the links (what
            keeps merged people together when they share no value), one per line:
              {"link":{"email":"…","phoneNumber":"…","createdAt":"…"}}
            The output can be loaded with `reconcile import`, which gives back the same lines.
            """
    )

    @OptionGroup var store: RequiredStoreOption

    func run() async throws {
        let session = try StoreSession.open(StoreOptions(path: store.store, readOnly: true, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        defer { try? session.close() }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        try await Self.write(session.store, to: output)
        try output.flush()
    }

    private static func write(_ store: some ContactStore, to output: OutputBuffer) async throws {
        var afterID = 0
        while true {
            let page = try await store.contacts(afterID: afterID, limit: 10_000)
            for contact in page {
                WireCodec.appendRow(contact, to: &output.bytes)
                try output.endLine()
            }
            guard let last = page.last else { break }
            afterID = last.id
        }
        try await writeLinks(store, to: output)
    }

    /// Writes the links by (createdAt as written, email, phone number), so that the order
    /// survives `import`, which reads createdAt to the millisecond: the store's own order
    /// (by the exact createdAt) is kept except among links written with the same text.
    private static func writeLinks(_ store: some ContactStore, to output: OutputBuffer) async throws {
        var run: [ContactLink] = []
        func flushRun() throws {
            // ``ContactLink``'s own order without createdAt: UTF-8 bytes of email, then of phone number.
            run.sort { lhs, rhs in
                if lhs.email != rhs.email { return lhs.email.utf8.lexicographicallyPrecedes(rhs.email.utf8) }
                return lhs.phoneNumber.utf8.lexicographicallyPrecedes(rhs.phoneNumber.utf8)
            }
            for link in run {
                WireCodec.appendLink(link, to: &output.bytes)
                try output.endLine()
            }
            run.removeAll(keepingCapacity: true)
        }
        var after: ContactLink?
        while true {
            let page = try await store.links(after: after, limit: 10_000)
            for link in page {
                if let first = run.first, WireCodec.timestamp(first.createdAt) != WireCodec.timestamp(link.createdAt) {
                    try flushRun()
                }
                run.append(link)
            }
            guard let last = page.last else { break }
            after = last
        }
        try flushRun()
    }
}
