/// Why an exported contact table cannot be imported, as found by ``ContactTableRepair``.
///
/// It lists every problem, each with the input line of the row at fault, so a whole
/// export can be fixed in one pass. When it is thrown nothing has been imported.
public struct ContactImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One row that cannot be imported.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// What is wrong with the row.
        public enum Kind: String, Sendable, Hashable {
            /// The id is zero, negative, or `Int.max` (which would leave no id for the next row).
            case idOutOfRange
            /// An earlier row already has this id.
            case duplicateID
            /// The row's `linkedId` names no row of the table.
            case missingLink
            /// Following `linkedId` from this row comes back to it, so the group has no root.
            case linkCycle
            /// A `createdAt`, `updatedAt` or `deletedAt` is one no row may hold
            /// (``Contact/isValidDate(_:)``).
            case dateOutOfRange
        }

        /// What is wrong with the row.
        public var kind: Kind
        /// The input line of the row (1-based): the line given to ``ContactTableRepair``, or
        /// the row's position in the array plus one when no lines were given.
        public var line: Int
        /// The row's id.
        public var contactID: Int
        /// A sentence explaining the problem.
        public var message: String

        /// Creates a problem.
        public init(kind: Kind, line: Int, contactID: Int, message: String) {
            self.kind = kind
            self.line = line
            self.contactID = contactID
            self.message = message
        }

        /// `line <line>: contact <id>: <message>`.
        public var description: String { "line \(line): contact \(contactID): \(message)" }
    }

    /// Every problem found, in input order.
    public var problems: [Problem]

    /// Creates an error from its problems.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// The number of problems and the first few of them, one per line.
    public var description: String {
        let shown = problems.prefix(20).map { "  \($0)" }
        let more = problems.count > shown.count ? ["  … and \(problems.count - shown.count) more"] : []
        return (["the table cannot be imported (\(problems.count) problem(s)); nothing was imported:"] + shown + more)
            .joined(separator: "\n")
    }
}
