/// Why a correction (``IdentityResolver/delete(contactID:)``, ``IdentityResolver/forget(email:)``,
/// ``IdentityResolver/forget(phoneNumber:)``, ``IdentityResolver/erase(contactID:)``) wrote nothing.
public enum CorrectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No live row has this id (it never existed, or it is already deleted).
    case contactNotFound(Int)
    /// No row, live or deleted, holds this normalized email.
    case emailNotFound(String)
    /// No row, live or deleted, holds this normalized phone number.
    case phoneNumberNotFound(String)

    /// A one-line English description.
    public var description: String {
        switch self {
        case .contactNotFound(let id): "no live contact has id \(id)"
        case .emailNotFound(let email): "no contact holds the email \(email.debugDescription)"
        case .phoneNumberNotFound(let phone): "no contact holds the phone number \(phone.debugDescription)"
        }
    }
}
