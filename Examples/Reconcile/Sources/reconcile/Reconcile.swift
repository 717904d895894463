import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `reconcile` command-line tool: identify requests in bulk, correct the identity graph
/// (delete a row, forget a value, erase a person), explain and report on it, and import,
/// inspect, verify and compact contact stores.
///
/// The parser is swift-argument-parser's; ``main()`` only keeps the tool's own exit statuses
/// (see ``ExitStatus``) and its one-line `reconcile: …` messages on standard error.
@main
struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract:
            "Identity reconciliation from the command line: link the orders of one person across emails and phone numbers.",
        subcommands: [
            IdentifyCommand.self, ApplyCommand.self, DeleteCommand.self, ForgetCommand.self, EraseCommand.self,
            ContactsCommand.self, ShowCommand.self, ExplainCommand.self, ReportCommand.self, ImportCommand.self,
            VerifyCommand.self, CompactCommand.self,
        ]
    )

    static func main() async {
        // A closed pipe on standard output becomes a write error (reported, status 2)
        // instead of a silent kill.
        signal(SIGPIPE, SIG_IGN)
        let status = await run(Array(CommandLine.arguments.dropFirst()))
        terminate(status.rawValue)
    }

    /// Parses and runs one command line.
    ///
    /// - Returns: 0 on success (help included); 1 when some input was refused or nothing
    ///   matched; 2 on usage errors and store errors.
    static func run(_ arguments: [String]) async -> ExitStatus {
        guard !arguments.isEmpty else {
            Console.writeError(helpMessage() + "\n")
            return .usageOrStoreError
        }
        // The parser's `help` shows the overview for a name it does not know; a typo is a usage error.
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        if arguments.first == "help", let topic = arguments.dropFirst().first, !names.contains(topic) {
            Console.error("Unknown subcommand '\(topic)'\nSee 'reconcile --help'.")
            return .usageOrStoreError
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return report(error, arguments: arguments)
        }
        do {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            return .success
        } catch let failure as CommandFailure {
            Console.error(failure.message)
            return failure.status
        } catch {
            return report(error, arguments: arguments)
        }
    }

    /// Prints help (an error whose exit code is success, such as `reconcile help identify`)
    /// on standard output; a usage error as `reconcile: MESSAGE` with a pointer to the
    /// subcommand's help on standard error; any other error (a store's) as `reconcile: ERROR`.
    private static func report(_ error: any Error, arguments: [String]) -> ExitStatus {
        if let status = error as? ExitStatus { return status }
        let exitCode = exitCode(for: error)
        if exitCode == .success {
            return printOut(fullMessage(for: error))
        }
        guard exitCode == .validationFailure else {
            Console.error(String(describing: error))
            return .usageOrStoreError
        }
        var help = "reconcile --help"
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        if let name = arguments.first, names.contains(name) { help = "reconcile \(name) --help" }
        Console.error("\(message(for: error))\nSee '\(help)'.")
        return .usageOrStoreError
    }

    private static func printOut(_ text: String) -> ExitStatus {
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        output.bytes.append(contentsOf: text.utf8)
        if !text.hasSuffix("\n") { output.bytes.append(UInt8(ascii: "\n")) }
        do {
            try output.flush()
            return .success
        } catch {
            Console.error(error.description)
            return .usageOrStoreError
        }
    }
}

/// Ends the process (a free function: inside ``Reconcile``, `exit` names `ParsableCommand.exit(withError:)`).
private func terminate(_ status: Int32) -> Never {
    exit(status)
}
