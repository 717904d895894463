import ArgumentParser
import IdentityReconciliation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `reconcile import`: loads an exported contact table into an empty store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an exported Contact table into an empty store, repairing what exports contain.",
        discussion: """
            Reads FILE (or standard input when FILE is absent or -): JSON lines as
            `reconcile contacts` writes them (rows, then {"link":{…}} lines), or CSV with a header
            row naming the columns (linked_id and other snake_case names are accepted). Ids,
            timestamps, precedence and soft-deletes are kept. Chains (a secondary linked to a
            secondary) are flattened to the root, a group whose primary is not its oldest row is
            re-rooted, and groups that share an email or a phone number are merged into the
            oldest. A group that no shared value or exported link holds together (every CSV
            export and other implementations' exports have no links) gets the links it needs, and
            rows no link can join are separated; links whose values no live row holds are
            dropped. The repairs are reported on standard output.

            Rows linked to missing ids, duplicate or non-positive ids, link cycles and lines that
            cannot be read are reported with their line numbers, and then nothing is imported
            (exit status 1). The store must be empty (exit status 2 otherwise). Later identifies
            continue ids after the largest imported id.
            """
    )

    @OptionGroup var store: RequiredStoreOption

    @Flag(help: "Print the row count, elapsed time and rate to stderr.")
    var stats = false

    @Argument(help: ArgumentHelp("The table to read; standard input when absent or -.", valueName: "file"))
    var file: String?

    /// The most line errors printed; the count of the rest follows.
    static let printedErrorLimit = 50

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let bytes = try Self.readAll(file == "-" ? nil : file)
        let (rows, lines, links, errors) = Self.parse(bytes)
        guard errors.isEmpty else {
            for error in errors.prefix(Self.printedErrorLimit) { Console.error(error) }
            if errors.count > Self.printedErrorLimit {
                Console.error("… and \(errors.count - Self.printedErrorLimit) more line error(s)")
            }
            Console.error("nothing was imported")
            throw ExitStatus.failure
        }
        let repair: ContactTableRepair
        do {
            repair = try ContactTableRepair(repairing: rows, links: links, lines: lines)
        } catch {
            for problem in error.problems.prefix(Self.printedErrorLimit) { Console.error(problem.description) }
            if error.problems.count > Self.printedErrorLimit {
                Console.error("… and \(error.problems.count - Self.printedErrorLimit) more problem(s)")
            }
            Console.error("nothing was imported")
            throw ExitStatus.failure
        }
        // The store is opened only once the table is known to be good, so a refused
        // import does not even create the file.
        let session = try StoreSession.open(StoreOptions(path: store.store))
        if let note = session.openingNote { Console.error(note) }
        do {
            try await session.store.importContacts(ContactImport(contacts: repair.contacts, links: repair.links))
            try session.close()
        } catch {
            try? session.close()
            throw error
        }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        output.bytes.append(contentsOf: repair.report.description.utf8)
        try output.endLine()
        try output.flush()
        if stats {
            let seconds = ProgressMeter.seconds(clock.now - started)
            let rate = seconds > 0 ? Int((Double(rows.count) / seconds).rounded()) : 0
            Console.error("rows \(rows.count), elapsed \((seconds * 1000).rounded() / 1000) s, \(rate) rows/s")
        }
    }

    /// Parses JSON lines (when the first non-blank byte is `{`) or CSV.
    ///
    /// - Returns: The rows, the line of each, the links (JSON lines only: CSV has none), and
    ///   one message per line that cannot be read.
    static func parse(_ bytes: [UInt8]) -> (rows: [Contact], lines: [Int], links: [ContactLink], errors: [String]) {
        // Spreadsheet programs start their exports with a UTF-8 byte order mark.
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        let first = bytes.first { ![UInt8(ascii: " "), 0x09, 0x0A, 0x0D].contains($0) }
        if first == UInt8(ascii: "{") { return parseJSONLines(bytes) }
        let (rows, lines, errors) = parseCSV(bytes)
        return (rows, lines, [], errors)
    }

    private static func parseJSONLines(
        _ bytes: [UInt8]
    ) -> (rows: [Contact], lines: [Int], links: [ContactLink], errors: [String]) {
        var rows: [Contact] = []
        var lines: [Int] = []
        var links: [ContactLink] = []
        var errors: [String] = []
        var progress = ProgressMeter(counting: "rows")
        defer { progress.finish() }
        bytes.withUnsafeBufferPointer { buffer in
            var lineNumber = 0
            var start = 0
            while start < buffer.count {
                let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) ?? buffer.count
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                start = end + 1
                if line.allSatisfy({ [UInt8(ascii: " "), 0x09, 0x0D].contains($0) }) { continue }
                do throws(LineFailure) {
                    switch try Self.decodeExportLine(line) {
                    case .row(let row):
                        rows.append(row)
                        lines.append(lineNumber)
                    case .link(let link):
                        links.append(link)
                    }
                } catch {
                    errors.append("line \(lineNumber): \(error.message)")
                }
                progress.update(lineNumber)
            }
        }
        return (rows, lines, links, errors)
    }

    private static func parseCSV(_ bytes: [UInt8]) -> (rows: [Contact], lines: [Int], errors: [String]) {
        let records: [CSVTable.Record]
        do {
            records = try CSVTable.records(bytes)
        } catch {
            return ([], [], [error.message])
        }
        guard let header = records.first else { return ([], [], []) }
        let names = header.fields.map { $0 ?? "" }
        guard names.contains(where: { WireCodec.rowColumn(named: $0) == "id" }) else {
            return ([], [], ["line \(header.line): the first line must be a header naming the columns (id, …)"])
        }
        var rows: [Contact] = []
        var lines: [Int] = []
        var errors: [String] = []
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                errors.append(
                    "line \(record.line): the record has \(record.fields.count) field(s), the header \(names.count)")
                continue
            }
            do {
                rows.append(try WireCodec.row(columns: zip(names, record.fields).lazy.map { (name: $0, value: $1) }))
                lines.append(record.line)
            } catch {
                errors.append("line \(record.line): \(error.message)")
            }
        }
        return (rows, lines, errors)
    }

    private static func decodeExportLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(LineFailure) -> WireCodec.ExportLine {
        do {
            return try WireCodec.decodeExportLine(UnsafeRawBufferPointer(line))
        } catch {
            throw LineFailure(error)
        }
    }

    /// Reads a whole file, or standard input when `path` is `nil`.
    ///
    /// - Throws: ``CommandFailure`` with status 2 when the file cannot be opened or read.
    private static func readAll(_ path: String?) throws(CommandFailure) -> [UInt8] {
        let descriptor: Int32
        if let path {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw CommandFailure(
                    "cannot open \(path): \(SystemError(operation: "open", errno: errno))", status: .usageOrStoreError)
            }
        } else {
            descriptor = 0
        }
        defer { if path != nil { close(descriptor) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                return bytes
            } else if errno != EINTR {
                let error = SystemError(operation: "reading \(path ?? "standard input")", errno: errno)
                throw CommandFailure(error.description, status: .usageOrStoreError)
            }
        }
    }
}
