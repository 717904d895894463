import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The table's rows as text: one JSON object per row with the task's column names, in
/// the order `id`, `phoneNumber`, `email`, `linkedId`, `linkPrecedence`, `createdAt`,
/// `updatedAt`, `deletedAt`; absent values are `null`; timestamps as ``Timestamp``.
///
/// Reading accepts the same columns from a JSON object or a CSV record. Column names
/// are matched ignoring case and underscores (`linked_id` is `linkedId`, as database
/// exports write it); unknown columns are ignored.
///
/// An export lists the store's links after its rows, one JSON line each:
/// `{"link":{"email":…,"phoneNumber":…,"createdAt":…}}` (see ``ContactLink``).
enum ContactRowFormat {
    /// One line of an exported table: a row, or a link.
    enum ExportLine: Equatable {
        /// A row of the `Contact` table.
        case row(Contact)
        /// A link (an email and a phone number that a merge brought together).
        case link(ContactLink)
    }

    /// The column names, in output order.
    static let columns = [
        "id", "phoneNumber", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt",
    ]

    /// Appends a row as a JSON object (without a newline).
    static func appendJSON(_ contact: Contact, to output: inout [UInt8]) {
        JSONWriter.appendRaw(#"{"id":"#, to: &output)
        JSONWriter.appendInteger(contact.id, to: &output)
        JSONWriter.appendRaw(#","phoneNumber":"#, to: &output)
        appendOptionalString(contact.phoneNumber, to: &output)
        JSONWriter.appendRaw(#","email":"#, to: &output)
        appendOptionalString(contact.email, to: &output)
        JSONWriter.appendRaw(#","linkedId":"#, to: &output)
        if let linkedId = contact.linkedId {
            JSONWriter.appendInteger(linkedId, to: &output)
        } else {
            JSONWriter.appendRaw("null", to: &output)
        }
        JSONWriter.appendRaw(#","linkPrecedence":"#, to: &output)
        JSONWriter.appendString(contact.linkPrecedence.rawValue, to: &output)
        JSONWriter.appendRaw(#","createdAt":""#, to: &output)
        Timestamp.append(contact.createdAt, to: &output)
        JSONWriter.appendRaw(#"","updatedAt":""#, to: &output)
        Timestamp.append(contact.updatedAt, to: &output)
        JSONWriter.appendRaw(#"","deletedAt":"#, to: &output)
        if let deletedAt = contact.deletedAt {
            output.append(UInt8(ascii: "\""))
            Timestamp.append(deletedAt, to: &output)
            output.append(UInt8(ascii: "\""))
        } else {
            JSONWriter.appendRaw("null", to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Appends a link as `{"link":{"email":…,"phoneNumber":…,"createdAt":"…"}}` (without a newline).
    static func appendLinkJSON(_ link: ContactLink, to output: inout [UInt8]) {
        JSONWriter.appendRaw(#"{"link":{"email":"#, to: &output)
        JSONWriter.appendString(link.email, to: &output)
        JSONWriter.appendRaw(#","phoneNumber":"#, to: &output)
        JSONWriter.appendString(link.phoneNumber, to: &output)
        JSONWriter.appendRaw(#","createdAt":""#, to: &output)
        Timestamp.append(link.createdAt, to: &output)
        JSONWriter.appendRaw(#""}}"#, to: &output)
    }

    /// Reads a row from one JSON line.
    ///
    /// - Throws: ``LineFailure`` with code `invalid_json` or `invalid_row`.
    static func decodeJSON(_ line: UnsafeBufferPointer<UInt8>) throws(LineFailure) -> Contact {
        try contact(from: fields(line, code: "invalid_row"))
    }

    /// Reads one line of an export: a link when its object has a `link` member, else a row.
    ///
    /// - Throws: ``LineFailure`` with code `invalid_json`, `invalid_row` or `invalid_link`.
    static func decodeExportLine(_ line: UnsafeBufferPointer<UInt8>) throws(LineFailure) -> ExportLine {
        let fields = try fields(line, code: "invalid_row")
        switch fields["link"] {
        case nil:
            return .row(try contact(from: fields))
        case .object(let range)?:
            return .link(try link(from: self.fields(UnsafeBufferPointer(rebasing: line[range]), code: "invalid_link")))
        case let other?:
            throw LineFailure(code: "invalid_link", message: "link must be an object, not \(other.typeName)")
        }
    }

    /// Builds a link from the members of a line's `link` object, keyed by ``normalizedColumn(_:)``.
    ///
    /// - Throws: ``LineFailure`` with code `invalid_link` naming the member at fault.
    static func link(from fields: [String: JSONValue]) throws(LineFailure) -> ContactLink {
        do throws(LineFailure) {
            guard let email = try text(fields["email"], column: "email") else { throw missing("email", in: "link") }
            let phoneNumber: String?
            if case .integer(let number)? = fields["phonenumber"] {
                phoneNumber = String(number)
            } else {
                phoneNumber = try text(fields["phonenumber"], column: "phoneNumber")
            }
            guard let phoneNumber else { throw missing("phoneNumber", in: "link") }
            guard let createdAt = try timestamp(fields["createdat"], column: "createdAt") else {
                throw missing("createdAt", in: "link")
            }
            return ContactLink(email: email, phoneNumber: phoneNumber, createdAt: createdAt)
        } catch {
            throw LineFailure(code: "invalid_link", message: error.message)
        }
    }

    /// The members of the object on a line, keyed by ``normalizedColumn(_:)`` (the first of a repeated key).
    private static func fields(
        _ line: UnsafeBufferPointer<UInt8>, code: String
    ) throws(LineFailure) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        do {
            try JSONObjectReader.readObject(line) { key, value in
                let column = normalizedColumn(key)
                if fields[column] == nil { fields[column] = value }
            }
        } catch {
            throw LineFailure(code: error.code == "invalid_request" ? code : error.code, message: error.description)
        }
        return fields
    }

    /// The key under which a column is looked up: lowercased, without underscores.
    static func normalizedColumn(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0 != "_" })
    }

    /// Builds a row from its fields, keyed by ``normalizedColumn(_:)``.
    ///
    /// Integers may be given as JSON integers or as decimal text (CSV has only text);
    /// `null` and absent are the same.
    ///
    /// - Throws: ``LineFailure`` with code `invalid_row` naming the column at fault.
    static func contact(from fields: [String: JSONValue]) throws(LineFailure) -> Contact {
        guard let id = try integer(fields["id"], column: "id") else { throw missing("id") }
        guard let precedenceText = try text(fields["linkprecedence"], column: "linkPrecedence") else {
            throw missing("linkPrecedence")
        }
        guard let precedence = LinkPrecedence(rawValue: precedenceText.lowercased()) else {
            throw invalid("linkPrecedence must be primary or secondary, not \(precedenceText.debugDescription)")
        }
        guard let createdAt = try timestamp(fields["createdat"], column: "createdAt") else {
            throw missing("createdAt")
        }
        guard let updatedAt = try timestamp(fields["updatedat"], column: "updatedAt") else {
            throw missing("updatedAt")
        }
        let phoneNumber: String?
        if case .integer(let number)? = fields["phonenumber"] {
            phoneNumber = String(number)
        } else {
            phoneNumber = try text(fields["phonenumber"], column: "phoneNumber")
        }
        return Contact(
            id: id,
            email: try text(fields["email"], column: "email"),
            phoneNumber: phoneNumber,
            linkedId: try integer(fields["linkedid"], column: "linkedId"),
            linkPrecedence: precedence,
            createdAt: createdAt,
            updatedAt: updatedAt,
            deletedAt: try timestamp(fields["deletedat"], column: "deletedAt")
        )
    }

    private static func appendOptionalString(_ value: String?, to output: inout [UInt8]) {
        if let value {
            JSONWriter.appendString(value, to: &output)
        } else {
            JSONWriter.appendRaw("null", to: &output)
        }
    }

    private static func missing(_ column: String, in what: String = "row") -> LineFailure {
        invalid("the \(what) has no \(column)")
    }

    private static func invalid(_ message: String) -> LineFailure {
        LineFailure(code: "invalid_row", message: message)
    }

    private static func text(_ value: JSONValue?, column: String) throws(LineFailure) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .invalidUTF8String?: throw invalid("\(column) is not valid UTF-8")
        case let other?: throw invalid("\(column) must be a string or null, not \(other.typeName)")
        }
    }

    private static func integer(_ value: JSONValue?, column: String) throws(LineFailure) -> Int? {
        switch value {
        case nil, .null?: return nil
        case .integer(let number)?: return Int(number)
        case .string(let text)?:
            guard let number = Int(text.trimmingSpaces) else {
                throw invalid("\(column) must be an integer, not \(text.debugDescription)")
            }
            return number
        case let other?: throw invalid("\(column) must be an integer or null, not \(other.typeName)")
        }
    }

    private static func timestamp(_ value: JSONValue?, column: String) throws(LineFailure) -> Date? {
        guard let text = try text(value, column: column) else { return nil }
        guard let date = Timestamp.parse(text.trimmingSpaces) else {
            throw invalid("\(column) is not an ISO 8601 timestamp: \(text.debugDescription)")
        }
        return date
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs (CSV exports pad some cells).
    fileprivate var trimmingSpaces: String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
