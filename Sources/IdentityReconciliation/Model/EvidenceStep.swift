/// One step of an explanation: two live rows of one person and the evidence that joins them.
///
/// ``IdentityResolver/explain(contactID:to:)`` returns a chain of steps, each starting at the
/// row the previous one ended at. The evidence is the model of ``ContactLink``'s
/// documentation: two live rows are one person when they share an email or a phone number,
/// or when a link joins an email held by one to a phone number held by the other.
public struct EvidenceStep: Sendable, Hashable {
    /// The id of the live row the step starts at.
    public var from: Int
    /// The id of the live row the step ends at.
    public var to: Int
    /// What joins the two rows.
    public var via: Via

    /// Creates a step.
    public init(from: Int, to: Int, via: Via) {
        self.from = from
        self.to = to
        self.via = via
    }

    /// The evidence joining the two rows of an ``EvidenceStep``.
    public enum Via: Sendable, Hashable {
        /// Both rows hold this normalized email.
        case email(String)
        /// Both rows hold this normalized phone number.
        case phoneNumber(String)
        /// A merge recorded this link: one row holds its ``ContactLink/email``, the other its
        /// ``ContactLink/phoneNumber`` (either may be ``EvidenceStep/from``).
        case link(ContactLink)
    }
}
