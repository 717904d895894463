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
        try await StoreSession.using(StoreOptions(path: store.store, mustExist: true)) { try $0.compact() }
    }
}
