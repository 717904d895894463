import IdentityReconciliation

// libFuzzer target: the import parsers of `reconcile import` on arbitrary bytes (see
// Fuzz/README.md): each line through `WireCodec.decodeExportLine` (a JSON-lines export), and
// the text as comma-separated columns through `WireCodec.row(columns:)` (a CSV export, split
// naively: the CSV tokenizer itself is the reconcile tool's). The rows read are then given
// to `ContactTableRepair`, as an import does.
//
// Oracles beyond "no crash, no hang": a row or link the codec reads, written back and read
// again, then written again, gives the same bytes (the first write fixes the precision of
// the timestamps); a table the repair accepts passes `ContactImport`'s check.

func readLine(_ line: UnsafeRawBufferPointer) -> WireCodec.ExportLine? {
    try? WireCodec.decodeExportLine(line)
}

func write(_ line: WireCodec.ExportLine) -> [UInt8] {
    var bytes: [UInt8] = []
    switch line {
    case .row(let contact): WireCodec.appendRow(contact, to: &bytes)
    case .link(let link): WireCodec.appendLink(link, to: &bytes)
    }
    return bytes
}

/// The comma-separated fields of one line, empty ones included.
func fields(_ line: Slice<UnsafeRawBufferPointer>) -> [Slice<UnsafeRawBufferPointer>] {
    line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
}

/// libFuzzer's entry point: reads one input as an export (JSON lines, then CSV) and checks the oracle above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count)
    var rows: [Contact] = []
    var links: [ContactLink] = []
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        guard let read = readLine(UnsafeRawBufferPointer(rebasing: line)) else { continue }
        let written = write(read)
        guard let again = written.withUnsafeBytes(readLine) else {
            fatalError("a line the codec wrote does not read back: \(String(decoding: written, as: UTF8.self))")
        }
        guard write(again) == written else { fatalError("\(read) does not round-trip") }
        switch read {
        case .row(let contact): rows.append(contact)
        case .link(let link): links.append(link)
        }
    }
    // The same bytes as a CSV export: a header line of names, then records. Split on the bytes
    // `\n` and `,` (not on `Character`s, which would be several times slower and would keep
    // `\r\n` or `,` followed by a combining mark together), each field decoded as UTF-8.
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    if let header = lines.first {
        let names = fields(header).map { String(decoding: $0, as: UTF8.self) }
        for record in lines.dropFirst() {
            let values = fields(record).map { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) }
            if let contact = try? WireCodec.row(columns: zip(names, values).map { (name: $0, value: $1) }) {
                rows.append(contact)
            }
        }
    }
    // A repair either refuses the table or gives rows and links that pass the import's check.
    if let repair = try? ContactTableRepair(repairing: rows, links: links) {
        do {
            _ = try ContactImport(contacts: repair.contacts, links: repair.links)
        } catch {
            fatalError("a repaired table does not pass the import's check: \(error)")
        }
    }
    return 0
}
