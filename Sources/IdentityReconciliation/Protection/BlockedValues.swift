/// The emails and phone numbers an ``IdentityResolver`` treats as absent: placeholders and
/// shared values (`0000000000`, `test@test.com`, the shop's own number) that would otherwise
/// join unrelated people into one.
///
/// A blocked value never matches and is never stored: the request is decided on its other
/// value, ``Identification/ignored`` says which value was left out and why, and a request
/// left with no value throws ``InputError/allValuesBlocked(_:)``, writing nothing.
///
/// A value is blocked when it is one of the exact values or matches one of the rules of
/// its field:
/// - **Exact values** are normalized with the resolver's ``NormalizationPolicy`` and
///   compared with the request's normalized value, so `TEST@test.com` blocks
///   `test@TEST.com` under the standard policy. A value the policy refuses (such as `null`
///   as an email or `n/a` as a phone number) is compared instead, ignoring case, with the
///   request's value as sent, trimmed, before the policy sees it: such a request field is
///   ignored rather than refused.
/// - **Rules** (``BlockRule``) are called with the request's normalized value.
///
/// ``common`` is an opt-in preset of the usual placeholders; combine it with your own values:
///
/// ```swift
/// var blocked = BlockedValues.common
/// blocked.phoneNumbers.insert("+1 555 0100")  // the shop's own number
/// ```
///
/// ``init(blockList:)`` reads exact values from the text of a file of `email:VALUE` and
/// `phoneNumber:VALUE` lines (the `--block-file` of the example CLI and server).
public struct BlockedValues: Sendable {
    /// Emails to ignore, as written by people (each is normalized by the resolver's policy).
    public var emails: Set<String>
    /// Phone numbers to ignore, as written by people (each is normalized by the resolver's policy).
    public var phoneNumbers: Set<String>
    /// Rules that block emails, called with the normalized email.
    public var emailRules: [BlockRule]
    /// Rules that block phone numbers, called with the normalized phone number.
    public var phoneNumberRules: [BlockRule]

    /// Creates a set of blocked values.
    ///
    /// - Parameters:
    ///   - emails: Exact emails to ignore.
    ///   - phoneNumbers: Exact phone numbers to ignore.
    ///   - emailRules: Rules blocking emails.
    ///   - phoneNumberRules: Rules blocking phone numbers.
    public init(
        emails: Set<String> = [], phoneNumbers: Set<String> = [], emailRules: [BlockRule] = [],
        phoneNumberRules: [BlockRule] = []
    ) {
        self.emails = emails
        self.phoneNumbers = phoneNumbers
        self.emailRules = emailRules
        self.phoneNumberRules = phoneNumberRules
    }

    /// Nothing blocked.
    public static var none: BlockedValues { BlockedValues() }

    /// Whether nothing is blocked.
    public var isEmpty: Bool {
        emails.isEmpty && phoneNumbers.isEmpty && emailRules.isEmpty && phoneNumberRules.isEmpty
    }

    /// These blocked values and those of `other`.
    public func union(_ other: BlockedValues) -> BlockedValues {
        BlockedValues(
            emails: emails.union(other.emails), phoneNumbers: phoneNumbers.union(other.phoneNumbers),
            emailRules: emailRules + other.emailRules, phoneNumberRules: phoneNumberRules + other.phoneNumberRules)
    }
}
