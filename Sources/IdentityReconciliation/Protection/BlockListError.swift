/// Why ``BlockedValues/init(blockList:)`` refused a block list: the line at fault and what
/// was expected there.
public struct BlockListError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong with the line.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The line starts with neither `email:` nor `phoneNumber:`.
        case missingField
        /// The line names a field but no value after its colon.
        case emptyValue(ContactField)

        /// A short English explanation, saying what was expected.
        public var description: String {
            switch self {
            case .missingField: "expected 'email:VALUE' or 'phoneNumber:VALUE'"
            case .emptyValue(let field): "expected a value after '\(field):'"
            }
        }
    }

    /// The line at fault, counted from 1.
    public var line: Int
    /// What was wrong with it.
    public var reason: Reason

    /// Creates the error for `line`.
    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// `line 3: expected 'email:VALUE' or 'phoneNumber:VALUE'`.
    public var description: String { "line \(line): \(reason)" }
}
