// libFuzzer target: `CSVTable.records`, the CSV tokenizer of `reconcile import`, on arbitrary
// bytes (see Fuzz/README.md at the root). `CSVTable.swift` here is a link to the tool's own
// file, so this target compiles exactly the tokenizer the tool runs; `LineFailure.swift` is
// the part of the tool's error type that the tokenizer uses.
//
// Oracle beyond "no crash, no hang":
// - an error is a `LineFailure` with code `invalid_csv` and a message `line N: …`, where N is a
//   line of the input;
// - records start on increasing lines of the input, and none is a blank line;
// - the records, written back by the simple writer below (every non-empty field quoted), read
//   back as the same fields, on the lines the writer put them, and written again give the same
//   bytes;
// - the other way round, so that fields the tokenizer never produces from the input (quotes,
//   say) are tried too: the input read as a table (records separated by the byte 0x1E, fields
//   by 0x1F; no bytes is a `nil` field, the single byte 0x00 an empty one, other bytes decoded
//   as UTF-8) and written by the writer reads back as that table, blank records left out.

/// Writes records as CSV: a `nil` field as nothing, any other field quoted (`""` for a quote),
/// fields separated by `,`, records ended by `\n`. Returns the text and the line each record
/// starts on.
func write(_ records: [CSVTable.Record]) -> (bytes: [UInt8], lines: [Int]) {
    var bytes: [UInt8] = []
    var lines: [Int] = []
    var line = 1
    for record in records {
        lines.append(line)
        for (index, field) in record.fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let field else { continue }
            bytes.append(UInt8(ascii: "\""))
            for byte in field.utf8 {
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                if byte == UInt8(ascii: "\n") { line += 1 }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "\n"))
        line += 1
    }
    return (bytes, lines)
}

/// Reads `bytes` and checks what the tokenizer says against `lineCount`, the input's lines.
func read(_ bytes: [UInt8], lineCount: Int) -> [CSVTable.Record]? {
    do throws(LineFailure) {
        let records = try CSVTable.records(bytes)
        var previous = 0
        for record in records {
            guard record.line > previous, record.line <= lineCount else {
                fatalError("record lines out of order or past the input: \(records.map(\.line)), \(lineCount) lines")
            }
            previous = record.line
            if record.fields.isEmpty || record.fields == [nil] { fatalError("an empty record: \(record)") }
        }
        return records
    } catch {
        let message = error.message
        guard error.code == "invalid_csv", message.hasPrefix("line "), let colon = message.firstIndex(of: ":"),
            let line = Int(message.dropFirst(5)[..<colon]), (1...lineCount).contains(line), message[colon...].count > 2
        else { fatalError("an error that does not say where and why: \(error)") }
        return nil
    }
}

/// The input as a table, as described at the top; the records' lines are left 0.
func table(_ input: [UInt8]) -> [CSVTable.Record] {
    input.split(separator: 0x1E, omittingEmptySubsequences: false).map { record in
        let fields = record.split(separator: 0x1F, omittingEmptySubsequences: false).map { field -> String? in
            field.isEmpty ? nil : field.elementsEqual([0]) ? "" : String(decoding: field, as: UTF8.self)
        }
        return CSVTable.Record(fields: fields, line: 0)
    }
}

/// Checks that the input, read as a table and written, reads back as that table.
func checkWrittenTable(_ input: [UInt8]) {
    let expected = table(input).filter { $0.fields != [nil] }
    let (written, lines) = write(expected)
    guard let records = read(written, lineCount: written.count { $0 == UInt8(ascii: "\n") } + 1) else {
        fatalError("a table written as CSV does not read: \(String(decoding: written, as: UTF8.self))")
    }
    guard records.map(\.fields) == expected.map(\.fields), records.map(\.line) == lines else {
        fatalError("\(expected) written as CSV (lines \(lines)) read as \(records)")
    }
}

/// libFuzzer's entry point: tokenizes one input and checks the oracle above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = [UInt8](UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count))
    checkWrittenTable(input)
    let lineCount = input.count { $0 == UInt8(ascii: "\n") } + 1
    guard let records = read(input, lineCount: lineCount) else { return 0 }
    let (written, lines) = write(records)
    guard let again = read(written, lineCount: written.count { $0 == UInt8(ascii: "\n") } + 1) else {
        fatalError("records written back do not read: \(String(decoding: written, as: UTF8.self))")
    }
    guard again.map(\.fields) == records.map(\.fields) else {
        fatalError("\(records) written back read as \(again)")
    }
    guard again.map(\.line) == lines else { fatalError("written on lines \(lines), read on \(again.map(\.line))") }
    guard write(again).bytes == written else { fatalError("writing \(again) again gives other bytes") }
    return 0
}
