/// What an ``IdentityResolver`` does to keep one junk or shared value from joining unrelated
/// people into one: values it ignores, and limits on the values one person may hold.
///
/// ```swift
/// let resolver = IdentityResolver(
///     store: InMemoryContactStore(),
///     protection: GraphProtection(
///         blockedValues: .common,
///         limits: try GroupLimits(maxEmails: 5, maxPhoneNumbers: 3)))
/// ```
///
/// Like the ``NormalizationPolicy``, it belongs to the resolver, not to the store: use the
/// same protection for every resolver over one store. It only changes what ``IdentityResolver/identify(email:phoneNumber:)``
/// decides from now on; rows already stored stay as they are (``IdentityResolver/forget(email:)``
/// and ``IdentityResolver/forget(phoneNumber:)`` remove a value that should never have linked anyone).
/// ``none``, the default, changes nothing.
public struct GraphProtection: Sendable {
    /// The values ``IdentityResolver/identify(email:phoneNumber:)`` treats as absent.
    public var blockedValues: BlockedValues
    /// The most distinct emails and phone numbers one person may hold, and which field of a
    /// request is kept when it would exceed them.
    public var limits: GroupLimits

    /// Creates a protection.
    ///
    /// - Parameters:
    ///   - blockedValues: The values to ignore; none by default.
    ///   - limits: The limits per person; none by default.
    public init(blockedValues: BlockedValues = .none, limits: GroupLimits = .none) {
        self.blockedValues = blockedValues
        self.limits = limits
    }

    /// No blocked values and no limits: identify behaves exactly as the task's rules say.
    public static var none: GraphProtection { GraphProtection() }

    /// Whether this protection blocks nothing and limits nothing.
    public var isNone: Bool { blockedValues.isEmpty && limits.isNone }
}
