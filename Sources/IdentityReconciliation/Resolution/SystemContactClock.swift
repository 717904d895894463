#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The system's wall clock.
public struct SystemContactClock: ContactClock {
    /// Creates the system clock.
    public init() {}

    /// `Date()`.
    public func now() -> Date { Date() }
}

extension ContactClock where Self == SystemContactClock {
    /// The system's wall clock.
    public static var system: SystemContactClock { SystemContactClock() }
}
