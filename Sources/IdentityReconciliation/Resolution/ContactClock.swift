#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Where ``IdentityResolver`` gets the timestamps it writes into `createdAt` and `updatedAt`.
///
/// Inject a clock to make timestamps deterministic in tests (the testing product has a
/// steppable one). A clock may go backwards (wall clocks do); the rules stay correct
/// because a new secondary row is never dated before its group's primary. A date outside
/// years 1 through 9999 (``Contact/isValidDate(_:)``; `NaN` included) is never stored: the
/// call that would write it throws ``ContactStoreError/invalidPlan(_:reason:)``.
public protocol ContactClock: Sendable {
    /// The current time.
    func now() -> Date
}
