import ArgumentParser
import IdentityReconciliation

/// How a command opens its store (see ``StoreSession``).
struct StoreOptions {
    /// The file store's path (`--store`), or `nil` for a store in memory.
    var path: String?
    /// When a file store's writes reach stable storage (`--durability`).
    var durability: FileContactStore.Durability = .immediate
    /// Whether the command only reads.
    var readOnly = false
    /// Whether the store must already exist (commands that inspect or maintain a store
    /// refuse to create one).
    var mustExist = false
}

/// `--store` and `--durability` for the commands that may work in memory (`identify`, `apply`).
struct OptionalStoreOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("The file store to use (created when missing); in memory when absent.", valueName: "path"))
    var store: String?

    @Option(help: "When a file store's writes reach stable storage.")
    var durability: FileContactStore.Durability = .immediate

    /// The options for ``StoreSession/open(_:statusWhenDamaged:)``.
    var options: StoreOptions { StoreOptions(path: store, durability: durability) }
}

/// `--store`, for the commands that work on an existing file store.
struct RequiredStoreOption: ParsableArguments {
    @Option(help: ArgumentHelp("The file store to use.", valueName: "path"))
    var store: String
}

// The tool's own choice of values: the library's cases, by their raw values.
extension FileContactStore.Durability: @retroactive ExpressibleByArgument {}
