import ArgumentParser

/// `reconcile compact`: rewrites the store file.
struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Rewrite the store file so it holds only the current rows.",
        discussion: "The store is locked while it is compacted; the rows do not change."
    )

    @OptionGroup var store: RequiredStoreOption

    func run() async throws {
        let session = try StoreSession.open(StoreOptions(path: store.store, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        do {
            try session.compact()
        } catch {
            try? session.close()
            throw error
        }
        try session.close()
    }
}
