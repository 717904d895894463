/// A named test that blocks the values it matches, such as "an address at example.com".
///
/// The name is what ``IgnoredValue/Reason/matchedRule(_:)`` reports, so it should say in a
/// few words what the rule catches.
public struct BlockRule: Sendable {
    /// A short name for logs and results, such as `repeated digit`.
    public var name: String
    /// Whether the rule blocks a value; called with the value as normalized by the
    /// resolver's ``NormalizationPolicy``. It must be fast and deterministic: it runs on
    /// every request.
    public var matches: @Sendable (String) -> Bool

    /// Creates a rule.
    ///
    /// - Parameters:
    ///   - name: A short name for logs and results.
    ///   - matches: Whether a normalized value is blocked.
    public init(_ name: String, matches: @escaping @Sendable (String) -> Bool) {
        self.name = name
        self.matches = matches
    }
}
