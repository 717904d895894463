import ArgumentParser
import IdentityReconciliation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `reconcile report`: a census of the identity graph, with the groups and values that look
/// like a junk value's super cluster.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a census of the store: people, group sizes, the largest groups, values to consider blocking.",
        discussion: """
            Scans the store once and prints rows (live and deleted), links, people, a histogram of
            group sizes (1, 2–3, 4–7, …), the largest groups, the values that join the most (live
            rows holding them plus links bridging them: candidates for blocking) and every group
            and value over --flag-over. Writes nothing.

            On a terminal it prints a table; otherwise (or with --format json) one JSON object:
              {"rows":…,"liveRows":…,"deletedRows":…,"links":…,"people":…,
               "groupSizes":[{"smallest":1,"largest":1,"groups":…},…],
               "largestGroups":[{"primaryID":…,"rows":…,"emails":…,"phoneNumbers":…},…],
               "topValues":[{"field":"phoneNumber","value":"…","rows":…,"links":…,"primaryID":…},…],
               "flagThreshold":…,"flaggedGroups":[…],"flaggedValues":[…]}

            Exit status: 0 on success, 2 on usage or store errors.
            """
    )

    /// How the report is printed.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        /// A table when standard output is a terminal, JSON otherwise.
        case auto
        /// One JSON object on one line.
        case json
        /// A table for people.
        case table
    }

    @OptionGroup var store: RequiredStoreOption

    // Unconditional, so that `--top -1` is refused as negative, not as a missing value.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("How many of the largest groups and of the top values to list.", valueName: "n"))
    var top = 10

    @Option(
        name: .customLong("flag-over"), parsing: .unconditional,
        help: ArgumentHelp("Flag every group with more live rows, and every value of greater weight.", valueName: "n"))
    var flagOver = 50

    @Option(help: "auto (a table on a terminal, JSON otherwise), json or table.")
    var format: Format = .auto

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be zero or more, not '\(top)'") }
        guard flagOver >= 0 else { throw ValidationError("--flag-over must be zero or more, not '\(flagOver)'") }
    }

    func run() async throws {
        let session = try StoreSession.open(StoreOptions(path: store.store, readOnly: true, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        defer { try? session.close() }
        let report = try await Self.report(of: session.store, top: top, flagOver: flagOver)
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        let table = format == .table || (format == .auto && isatty(1) == 1)
        if table {
            output.bytes.append(contentsOf: ReportTable.render(report).utf8)
        } else {
            WireCodec.appendReport(report, to: &output.bytes)
            try output.endLine()
        }
        try output.flush()
    }

    private static func report(of store: some ContactStore, top: Int, flagOver: Int) async throws -> GraphReport {
        try await IdentityResolver(store: store).report(top: top, flagGroupsOver: flagOver)
    }
}
