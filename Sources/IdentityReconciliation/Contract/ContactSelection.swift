/// What a transaction reads: the groups a request, a contact id or a value leads to.
///
/// A store returns the selected rows as ``SelectedContacts``:
/// - the **live groups**: every live row of each group (rows sharing a
///   ``Contact/primaryID``) that has a live row holding ``email`` or ``phoneNumber``, or
///   that contains the live row ``contactID``. A `nil` field selects nothing, never the
///   rows whose field is `nil`;
/// - with ``includesDeletedRows``, also every deleted row that holds ``email`` or
///   ``phoneNumber``, or a value of a selected live row, or whose `linkedId` is a selected
///   row, or whose id is ``contactID``;
/// - with ``includesLinks``, every ``ContactLink`` whose email is ``email`` or an email of a
///   selected live row, or whose phone number is ``phoneNumber`` or a phone number of a
///   selected live row. (A link joins values of one group, so these are the links of the
///   selected groups; deleted rows' values select none.)
///
/// Values arrive normalized: stores compare them byte for byte.
public struct ContactSelection: Sendable, Hashable {
    /// Selects the group with a live row holding this email.
    public var email: String?
    /// Selects the group with a live row holding this phone number.
    public var phoneNumber: String?
    /// Selects the group containing this live row.
    public var contactID: Int?
    /// Whether deleted rows related to the selection are read too (for erasure).
    public var includesDeletedRows: Bool
    /// Whether the links of the selection are read too.
    public var includesLinks: Bool

    /// Creates a selection.
    public init(
        email: String? = nil, phoneNumber: String? = nil, contactID: Int? = nil,
        includesDeletedRows: Bool = false, includesLinks: Bool = false
    ) {
        self.email = email
        self.phoneNumber = phoneNumber
        self.contactID = contactID
        self.includesDeletedRows = includesDeletedRows
        self.includesLinks = includesLinks
    }

    /// The groups an identify request matches: those with a live row holding the email or
    /// the phone number. No deleted rows, no links.
    public static func matching(email: String?, phoneNumber: String?) -> ContactSelection {
        ContactSelection(email: email, phoneNumber: phoneNumber)
    }

    /// The group containing the live row `id`; nothing when no live row has this id.
    public static func group(containingContactID id: Int) -> ContactSelection {
        ContactSelection(contactID: id)
    }

    /// Every row holding a value, live or deleted, with the live groups and links around them.
    public static func holding(email: String? = nil, phoneNumber: String? = nil) -> ContactSelection {
        ContactSelection(email: email, phoneNumber: phoneNumber, includesDeletedRows: true, includesLinks: true)
    }

    /// Whether the selection can select anything at all.
    public var isEmpty: Bool { email == nil && phoneNumber == nil && contactID == nil }
}
