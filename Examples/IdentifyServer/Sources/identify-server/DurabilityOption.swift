import ArgumentParser

/// The `--durability` flag: when a file store's writes reach the disk.
enum DurabilityOption: String, CaseIterable, ExpressibleByArgument {
    /// Every write is synced before its request is answered.
    case immediate
    /// Writes arriving together share one sync; each is synced before its request is answered.
    case grouped
    /// Writes are synced in the background; a crash may lose the last moments.
    case deferred
}
