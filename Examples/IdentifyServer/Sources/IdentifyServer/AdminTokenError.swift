/// Why an ``AdminToken`` was refused; the server does not start with it.
public enum AdminTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The token file could not be opened or read (the reason is `strerror`'s), or is too large.
    case unreadableFile(path: String, reason: String)
    /// The token is empty (for a file: nothing but line breaks, or nothing at all).
    case empty(path: String?)
    /// The token has a byte other than visible ASCII at `offset` (a space, a control character,
    /// or a non-ASCII character).
    case invalidCharacter(path: String?, offset: Int)

    /// A one-line English description naming the file, never the token.
    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "cannot read the admin token file '\(path)': \(reason)"
        case .empty(let path):
            path.map { "the admin token file '\($0)' is empty" } ?? "the admin token is empty"
        case .invalidCharacter(let path, let offset):
            "\(path.map { "the admin token in '\($0)'" } ?? "the admin token") has a character other than "
                + "visible ASCII (no spaces or line breaks inside) at byte \(offset)"
        }
    }
}
