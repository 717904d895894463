// libFuzzer target: `CSVTable.records`, the CSV tokenizer of `reconcile import`, on arbitrary
// bytes (see Fuzz/README.md at the root). `CSVTable.swift` and `LineFailure.swift` here are
// links to the tool's own files, so this target compiles exactly the code the tool runs.
//
// Oracle beyond "no crash, no hang":
// - an error is a `LineFailure` with code `invalid_csv` and a message `line N: …`, where N is a
//   line of the input;
// - records start on increasing lines of the input, and none is a blank line;
// - the records, written back by the simple writer below (every non-empty field quoted), read
//   back as the same fields, on the lines the writer put them, and written again give the same
//   bytes.

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

/// libFuzzer's entry point: tokenizes one input and checks the oracle above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = [UInt8](UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count))
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
