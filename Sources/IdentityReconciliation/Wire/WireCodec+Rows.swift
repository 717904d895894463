#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension WireCodec {
    /// One line of an exported table: a row, or a link.
    public enum ExportLine: Sendable, Hashable {
        /// A row of the `Contact` table.
        case row(Contact)
        /// A link: an email and a phone number that a merge brought together.
        case link(ContactLink)
    }

    /// Reads a row from one JSON object, as ``appendRow(_:to:)`` writes it or a database
    /// export has it.
    ///
    /// Column names are matched ignoring case and underscores (`linked_id` is `linkedId`);
    /// unknown columns are ignored, and for a repeated column the first one counts. `id` and
    /// `linkedId` may be JSON integers (written as integers: `1.0` is not one) or decimal text,
    /// `phoneNumber` a string or a non-negative integer written with digits only,
    /// `linkPrecedence` `primary` or `secondary` in any case, timestamps as
    /// ``timestamp(from:)`` reads them; `null` and absent are the same. The row is read as
    /// written: whether it fits with the others is for ``ContactTableRepair`` to say.
    ///
    /// - Throws: ``WireCodecError`` with code ``WireCodecError/Code/invalidJSON``, or
    ///   ``WireCodecError/Code/invalidRow`` naming the column at fault.
    public static func decodeRow(_ bytes: UnsafeRawBufferPointer) throws(WireCodecError) -> Contact {
        try contact(from: fields(bytes, notAnObject: .invalidRow))
    }

    /// Reads one line of an export: a link (``appendLink(_:to:)``) when its object has a `link`
    /// member, else a row (``decodeRow(_:)``).
    ///
    /// - Throws: ``WireCodecError`` with code ``WireCodecError/Code/invalidJSON``,
    ///   ``WireCodecError/Code/invalidRow`` or ``WireCodecError/Code/invalidLink``.
    public static func decodeExportLine(_ bytes: UnsafeRawBufferPointer) throws(WireCodecError) -> ExportLine {
        let fields = try fields(bytes, notAnObject: .invalidRow)
        switch fields["link"] {
        case nil:
            return .row(try contact(from: fields))
        case .object(let range)?:
            return .link(
                try link(from: self.fields(UnsafeRawBufferPointer(rebasing: bytes[range]), notAnObject: .invalidLink)))
        case let other?:
            throw WireCodecError(
                code: .invalidLink, message: "link must be an object, not \(other.typeName)", field: "link")
        }
    }

    /// Reads a row from its columns' text, as a CSV record has them: `nil` for an empty
    /// (`NULL`) value. Names and values are read as ``decodeRow(_:)`` reads them.
    ///
    /// - Throws: ``WireCodecError`` with code ``WireCodecError/Code/invalidRow`` naming the
    ///   column at fault.
    public static func row(columns: some Sequence<(name: String, value: String?)>) throws(WireCodecError) -> Contact {
        var fields: [String: WireValue] = [:]
        for (name, value) in columns {
            let key = columnKey(name)
            if fields[key] == nil { fields[key] = value.map(WireValue.string) ?? .null }
        }
        return try contact(from: fields)
    }

    /// The column of ``rowColumns`` that a name denotes, matched ignoring case and underscores
    /// (`linked_id` and `LINKEDID` are `linkedId`), or `nil` for a name that is not a column.
    public static func rowColumn(named name: String) -> String? {
        let key = columnKey(name)
        return rowColumns.first { columnKey($0) == key }
    }

    // MARK: - Fields

    /// The key a member is looked up under: lowercased, without underscores.
    ///
    /// Every member of every row goes through this, so an ASCII name (every column name) is
    /// rewritten in one pass over its bytes; other names take the general path.
    private static func columnKey(_ name: String) -> String {
        var name = name
        let ascii = name.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { key in
                var count = 0
                for byte in bytes where byte != UInt8(ascii: "_") {
                    key[count] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
                    count += 1
                }
                return count
            }
        }
        return ascii ?? String(name.lowercased().unicodeScalars.filter { $0 != "_" })
    }

    /// The members of the object in `bytes`, keyed by ``columnKey(_:)`` (the first of a repeated key).
    private static func fields(
        _ bytes: UnsafeRawBufferPointer, notAnObject: WireCodecError.Code
    ) throws(WireCodecError) -> [String: WireValue] {
        var fields: [String: WireValue] = [:]
        try readObject(bytes, notAnObject: notAnObject) { key, value in
            let column = columnKey(key)
            if fields[column] == nil { fields[column] = value }
        }
        return fields
    }

    private static func contact(from fields: [String: WireValue]) throws(WireCodecError) -> Contact {
        let reader = FieldReader(fields: fields, code: .invalidRow, what: "row")
        let id = try reader.required("id", reader.integer)
        let precedenceText = try reader.required("linkPrecedence", reader.text)
        guard let precedence = LinkPrecedence(rawValue: precedenceText.lowercased()) else {
            throw reader.invalid(
                "linkPrecedence", "linkPrecedence must be primary or secondary, not \(precedenceText.debugDescription)")
        }
        // In this order, so that a row with several faults reports the same one everywhere.
        let createdAt = try reader.required("createdAt", reader.timestamp)
        let updatedAt = try reader.required("updatedAt", reader.timestamp)
        let phoneNumber = try reader.phoneNumber("phoneNumber")
        return Contact(
            id: id,
            email: try reader.text("email"),
            phoneNumber: phoneNumber,
            linkedId: try reader.integer("linkedId"),
            linkPrecedence: precedence,
            createdAt: createdAt,
            updatedAt: updatedAt,
            deletedAt: try reader.timestamp("deletedAt")
        )
    }

    private static func link(from fields: [String: WireValue]) throws(WireCodecError) -> ContactLink {
        let reader = FieldReader(fields: fields, code: .invalidLink, what: "link")
        return ContactLink(
            email: try reader.required("email", reader.text),
            phoneNumber: try reader.required("phoneNumber", reader.phoneNumber),
            createdAt: try reader.required("createdAt", reader.timestamp))
    }

    /// Reads typed values out of an object's members, with errors naming the member.
    private struct FieldReader {
        let fields: [String: WireValue]
        let code: WireCodecError.Code
        /// `row` or `link`, for "the row has no id".
        let what: String

        func invalid(_ field: String, _ message: String) -> WireCodecError {
            WireCodecError(code: code, message: message, field: field)
        }

        func required<T>(_ field: String, _ read: (String) throws(WireCodecError) -> T?) throws(WireCodecError) -> T {
            guard let value = try read(field) else { throw invalid(field, "the \(what) has no \(field)") }
            return value
        }

        func text(_ field: String) throws(WireCodecError) -> String? {
            switch fields[columnKey(field)] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case .invalidUTF8String?: throw invalid(field, "\(field) is not valid UTF-8")
            case let other?: throw invalid(field, "\(field) must be a string or null, not \(other.typeName)")
            }
        }

        func phoneNumber(_ field: String) throws(WireCodecError) -> String? {
            guard let number = fields[columnKey(field)], number.isNumber else { return try text(field) }
            switch WireCodec.phoneNumberDigits(number, field: field) {
            case .success(let digits): return digits
            case .failure(let problem): throw invalid(field, problem.message)
            }
        }

        func integer(_ field: String) throws(WireCodecError) -> Int? {
            switch fields[columnKey(field)] {
            case nil, .null?: return nil
            case .integer(let number)?: return Int(number)
            case .string(let text)?:
                guard let number = Int(text.trimmingSpaces) else {
                    throw invalid(field, "\(field) must be an integer, not \(text.debugDescription)")
                }
                return number
            case let other?: throw invalid(field, "\(field) must be an integer or null, not \(other.foundDescription)")
            }
        }

        func timestamp(_ field: String) throws(WireCodecError) -> Date? {
            guard let text = try text(field) else { return nil }
            let trimmed = text.trimmingSpaces
            if let date = WireTimestamp.parse(trimmed) { return date }
            guard WireTimestamp.parseAnyYear(trimmed) == nil else {
                throw invalid(field, "\(field) is outside the years 0001 through 9999: \(text.debugDescription)")
            }
            throw invalid(field, "\(field) is not an ISO 8601 timestamp: \(text.debugDescription)")
        }
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
