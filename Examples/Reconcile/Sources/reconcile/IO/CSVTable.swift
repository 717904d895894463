/// Splits CSV text (RFC 4180) into records: fields separated by commas, optionally
/// quoted with `"` (a quoted field may contain commas, newlines and `""` for a quote);
/// records end at `\n` or `\r\n`.
enum CSVTable {
    /// One record and the line it starts on.
    struct Record: Equatable {
        /// The fields' text; `nil` for an empty unquoted field (how databases export `NULL`).
        var fields: [String?]
        /// The 1-based line of the input where the record starts.
        var line: Int
    }

    /// Splits the text into records, skipping blank lines.
    ///
    /// - Throws: ``LineFailure`` with code `invalid_csv` for a quote inside an unquoted
    ///   field, text after a closing quote, an unterminated quoted field, or invalid UTF-8.
    static func records(_ bytes: [UInt8]) throws(LineFailure) -> [Record] {
        var records: [Record] = []
        var fields: [String?] = []
        var field: [UInt8] = []
        var quoted = false  // the current field started with a quote
        var inQuotes = false  // inside the quotes of the current field
        var line = 1
        var recordLine = 1
        var index = 0

        func fail(_ message: String, at errorLine: Int? = nil) -> LineFailure {
            LineFailure(code: "invalid_csv", message: "line \(errorLine ?? line): \(message)")
        }
        func endField() throws(LineFailure) {
            if !quoted && field.isEmpty {
                fields.append(nil)
            } else {
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw fail("a field is not valid UTF-8")
                }
                fields.append(text)
            }
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        func endRecord() throws(LineFailure) {
            try endField()
            // A blank line is one empty field: skip it.
            if !(fields.count == 1 && fields[0] == nil) { records.append(Record(fields: fields, line: recordLine)) }
            fields.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                try endField()
            case UInt8(ascii: "\n"):
                try endRecord()
                line += 1
                recordLine = line
            case UInt8(ascii: "\r") where index < bytes.count && bytes[index] == UInt8(ascii: "\n"):
                continue
            case UInt8(ascii: "\""):
                guard field.isEmpty && !quoted else { throw fail("a quote inside an unquoted field") }
                quoted = true
                inQuotes = true
            default:
                guard !quoted else { throw fail("text after a closing quote") }
                field.append(byte)
            }
        }
        if inQuotes { throw fail("a quoted field is not closed", at: recordLine) }
        if !fields.isEmpty || !field.isEmpty || quoted { try endRecord() }
        return records
    }
}
