/// `reconcile compact`: rewrites the store file.
enum CompactCommand: Subcommand {
    static let spec = CommandSpec(
        name: "compact",
        abstract: "Rewrite the store file so it holds only the current rows.",
        usage: "--store PATH",
        discussion: "The store is locked while it is compacted; the rows do not change.",
        options: [StoreOptions.requiredStoreOption]
    )

    static func run(_ arguments: ParsedArguments) async throws -> ExitStatus {
        let path = try arguments.required("store", command: spec.name)
        let session = try StoreSession.open(StoreOptions(path: path, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        do {
            try session.compact()
        } catch {
            try? session.close()
            throw error
        }
        try session.close()
        return .success
    }
}
