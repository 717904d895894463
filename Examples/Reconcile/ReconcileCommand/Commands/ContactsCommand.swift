import IdentityReconciliation

/// `reconcile contacts`: every row as JSON lines, in id order.
enum ContactsCommand: Subcommand {
    static let spec = CommandSpec(
        name: "contacts",
        abstract: "Print every row of the store as JSON lines, in id order.",
        usage: "--store PATH",
        discussion: """
            Each line has the task's column names: id, phoneNumber, email, linkedId,
            linkPrecedence, createdAt, updatedAt, deletedAt (ISO 8601 with milliseconds, UTC).
            Soft-deleted rows are included. The output can be loaded with `reconcile import`.
            """,
        options: [StoreOptions.requiredStoreOption]
    )

    static func run(_ arguments: ParsedArguments) async throws -> ExitStatus {
        let path = try arguments.required("store", command: spec.name)
        let session = try StoreSession.open(StoreOptions(path: path, readOnly: true, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        defer { try? session.close() }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        try await write(session.store, to: output)
        try output.flush()
        return .success
    }

    private static func write(_ store: some ContactStore, to output: OutputBuffer) async throws {
        var afterID = 0
        while true {
            let page = try await store.contacts(afterID: afterID, limit: 10_000)
            for contact in page {
                ContactRowFormat.appendJSON(contact, to: &output.bytes)
                try output.endLine()
            }
            guard let last = page.last else { return }
            afterID = last.id
        }
    }
}
