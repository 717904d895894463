/// The most distinct emails and phone numbers one person (one group of rows) may hold, and
/// the field a request keeps when it would exceed them.
///
/// When an identify would make a group exceed a limit, by inserting a secondary row with a
/// new value or by merging two groups whose union holds too many, the request's
/// lower-priority field is dropped and the request is decided again, once, in the same
/// transaction (``ReconciliationRules/decide(email:phoneNumber:matched:now:limits:)``). The
/// result is then the unchanged group of the kept value, or a new person holding only it.
/// ``Identification/ignored`` reports the dropped value with
/// ``IgnoredValue/Reason/groupLimit(field:limit:)``.
///
/// Limits hold for what identify writes from now on; a group already over a limit is never
/// split, but it never grows in a limited field either.
public struct GroupLimits: Sendable, Hashable {
    /// Why a limit was refused.
    public struct InvalidLimit: Error, Sendable, Hashable, CustomStringConvertible {
        /// The field the limit was for.
        public var field: ContactField
        /// The limit given.
        public var limit: Int

        /// Creates the error for a limit of `field`.
        public init(field: ContactField, limit: Int) {
            self.field = field
            self.limit = limit
        }

        /// `the limit of emails per person must be at least 1, not 0`.
        public var description: String {
            "the limit of \(field == .email ? "emails" : "phone numbers") per person must be at least 1, not \(limit)"
        }
    }

    /// The most distinct emails of one person, or `nil` for no limit.
    public let maxEmails: Int?
    /// The most distinct phone numbers of one person, or `nil` for no limit.
    public let maxPhoneNumbers: Int?
    /// The field a request keeps when it would exceed a limit; the other one is dropped.
    public let priority: ContactField

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maxEmails: The most distinct emails of one person; `nil` (the default) for no limit.
    ///   - maxPhoneNumbers: The most distinct phone numbers of one person; `nil` (the
    ///     default) for no limit.
    ///   - priority: The field kept when a request would exceed a limit; ``ContactField/email``
    ///     by default.
    /// - Throws: ``InvalidLimit`` when a limit is below 1 (a person always holds the value
    ///   that created it).
    public init(
        maxEmails: Int? = nil, maxPhoneNumbers: Int? = nil, priority: ContactField = .email
    ) throws(InvalidLimit) {
        if let maxEmails, maxEmails < 1 { throw InvalidLimit(field: .email, limit: maxEmails) }
        if let maxPhoneNumbers, maxPhoneNumbers < 1 { throw InvalidLimit(field: .phoneNumber, limit: maxPhoneNumbers) }
        self.maxEmails = maxEmails
        self.maxPhoneNumbers = maxPhoneNumbers
        self.priority = priority
    }

    private init(none: Void) {
        maxEmails = nil
        maxPhoneNumbers = nil
        priority = .email
    }

    /// No limits.
    public static var none: GroupLimits { GroupLimits(none: ()) }

    /// Whether neither field is limited.
    public var isNone: Bool { maxEmails == nil && maxPhoneNumbers == nil }

    /// The limit of `field`, or `nil`.
    public func limit(of field: ContactField) -> Int? {
        switch field {
        case .email: maxEmails
        case .phoneNumber: maxPhoneNumbers
        }
    }
}
