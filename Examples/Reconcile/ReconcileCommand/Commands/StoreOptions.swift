import IdentityReconciliation

/// The options shared by every subcommand that opens a store.
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

    static let storeOption = CommandSpec.Option(
        name: "store", valueName: "PATH", help: "The file store to use (created when missing).")
    static let requiredStoreOption = CommandSpec.Option(
        name: "store", valueName: "PATH", help: "The file store to use.")
    static let durabilityOption = CommandSpec.Option(
        name: "durability", valueName: "MODE",
        help: "When a file store's writes reach stable storage; immediate by default.",
        choices: FileContactStore.Durability.allCases.map(\.rawValue))
}
