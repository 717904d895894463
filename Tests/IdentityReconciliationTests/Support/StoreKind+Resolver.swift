import IdentityReconciliation
import IdentityReconciliationTesting

extension StoreKind {
    /// A resolver over a new, empty store of this kind.
    func makeResolver(
        policy: some NormalizationPolicy = .standard,
        clock: some ContactClock = ManualClock(step: 1),
        protection: GraphProtection = .none
    ) throws -> IdentityResolver<AnyContactStore> {
        IdentityResolver(store: AnyContactStore(try makeStore()), policy: policy, clock: clock, protection: protection)
    }

    /// How many random stores a randomized test builds of this kind: fewer files, which cost
    /// a directory and an open each.
    var randomStoreCount: Int {
        switch self {
        case .inMemory: 150
        case .file: 25
        }
    }
}

extension IdentityResolver {
    /// Every row of the store, checked against the invariants.
    func checkedRows() async throws -> [Contact] {
        let rows = try await allContacts()
        try InvariantChecker.check(rows)
        return rows
    }
}
