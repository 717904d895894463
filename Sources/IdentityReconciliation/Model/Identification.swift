/// The result of ``IdentityResolver/identify(email:phoneNumber:)``: the consolidated
/// contact and what the call changed.
public struct Identification: Sendable, Hashable {
    /// What one identify call wrote.
    public enum Outcome: Sendable, Hashable {
        /// Nothing matched: a new primary row with this id was created.
        case createdPrimary(contactID: Int)
        /// The request matched a group and brought a new email or phone number: a new
        /// secondary row with this id was created in the group.
        case createdSecondary(contactID: Int)
        /// The email matched one group and the phone number another: the newer group
        /// was merged into the older one. `demotedPrimaryID` was a primary and is now a
        /// secondary of `primaryID`, as is every row of its group. No row was created.
        ///
        /// A merge joins exactly two groups, because an email or phone number belongs to at
        /// most one group.
        case merged(primaryID: Int, demotedPrimaryID: Int)
        /// The request told nothing new; nothing was written.
        case unchanged
    }

    /// The consolidated contact after the call.
    public var contact: ConsolidatedContact
    /// What the call wrote.
    public var outcome: Outcome
    /// The request's values the call left out, and why: blocked values (see
    /// ``BlockedValues``), then the value dropped to keep a group within its
    /// ``GroupLimits``. Empty without a ``GraphProtection``. Not part of the wire format:
    /// ``response`` is the same whatever was ignored.
    public var ignored: [IgnoredValue]

    /// Creates an identification result.
    public init(contact: ConsolidatedContact, outcome: Outcome, ignored: [IgnoredValue] = []) {
        self.contact = contact
        self.outcome = outcome
        self.ignored = ignored
    }

    /// The response body in the task's wire format.
    public var response: IdentifyResponse { IdentifyResponse(contact: contact) }
}
