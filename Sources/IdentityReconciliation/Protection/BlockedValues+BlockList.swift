extension BlockedValues {
    /// Reads exact blocked values from a block list, the text of a file an operator keeps:
    ///
    /// ```text
    /// # the shop's own contacts, typed in by staff
    /// email:orders@shop.example
    /// phoneNumber:+1 555 0100
    /// ```
    ///
    /// Each line is `email:VALUE` or `phoneNumber:VALUE`; the field name is case-sensitive,
    /// as in the wire format. Lines end at `\n` or `\r\n`; the line and its value are
    /// trimmed of whitespace. Blank
    /// lines and lines starting with `#` are skipped. The values land in ``emails`` and
    /// ``phoneNumbers`` as written; the resolver normalizes them like any exact value. Combine
    /// the result with other values with ``union(_:)``.
    ///
    /// - Parameter text: The block list.
    /// - Throws: ``BlockListError`` naming the first line that is neither skipped nor a field
    ///   with a value; nothing is returned then.
    public init(blockList text: String) throws(BlockListError) {
        self.init()
        // "\r\n" is one Character in Swift: splitting at "\n" alone would leave CRLF lines joined.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, rawLine) in lines.enumerated() {
            let line = Self.trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let field: ContactField
            if line.hasPrefix("email:") {
                field = .email
            } else if line.hasPrefix("phoneNumber:") {
                field = .phoneNumber
            } else {
                throw BlockListError(line: index + 1, reason: .missingField)
            }
            let value = String(Self.trimmed(line.dropFirst(field.rawValue.count + 1)))
            guard !value.isEmpty else { throw BlockListError(line: index + 1, reason: .emptyValue(field)) }
            switch field {
            case .email: emails.insert(value)
            case .phoneNumber: phoneNumbers.insert(value)
            }
        }
    }

    /// `text` without leading and trailing whitespace (including a `\r` left by CRLF lines).
    private static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return text[first...last]
    }
}
