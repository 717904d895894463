/// The options shared by every subcommand that opens a store.
struct StoreOptions {
    /// How often a file store makes its writes durable (`--durability`).
    enum Durability: String, CaseIterable {
        /// Every identify is on stable storage before its result is printed.
        case immediate
        /// Writes are made durable in groups.
        case grouped
        /// Writes are made durable when the command ends.
        case deferred
    }

    /// The file store's path (`--store`), or `nil` for a store in memory.
    var path: String?
    /// The durability of a file store.
    var durability: Durability = .immediate
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
        choices: Durability.allCases.map(\.rawValue))
}
