#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `reconcile` command-line tool: identify requests in bulk, correct the identity graph
/// (delete a row, forget a value, erase a person), and import, inspect, verify and compact
/// contact stores.
///
/// The executable's `main.swift` only calls ``main(arguments:)`` and exits with its
/// result; everything else lives in this module so tests can reach it.
public enum ReconcileCommand {
    static var subcommands: [any Subcommand.Type] {
        [
            IdentifyCommand.self, ApplyCommand.self, DeleteCommand.self, ForgetCommand.self, EraseCommand.self,
            ContactsCommand.self, ShowCommand.self, ImportCommand.self, VerifyCommand.self, CompactCommand.self,
        ]
    }

    static var overview: String {
        let specs = subcommands.map { $0.spec }
        let width = specs.map { $0.name.count }.max() ?? 0
        let list = specs.map { spec in
            "  " + spec.name + String(repeating: " ", count: width - spec.name.count + 2) + spec.abstract
        }
        return """
            OVERVIEW: Identity reconciliation from the command line: link the orders of one
            person across emails and phone numbers.

            USAGE: reconcile <subcommand> [options]

            SUBCOMMANDS:
            \(list.joined(separator: "\n"))

            See 'reconcile help <subcommand>' or 'reconcile <subcommand> --help' for its options.

            """
    }

    /// Runs the tool.
    ///
    /// - Parameter arguments: The command-line arguments without the program name.
    /// - Returns: The exit status: 0 on success; 1 when some input was refused or nothing
    ///   matched; 2 on usage errors and store errors.
    public static func main(arguments: [String]) async -> Int32 {
        // A closed pipe on standard output becomes a write error (reported, status 2)
        // instead of a silent kill.
        signal(SIGPIPE, SIG_IGN)
        return await run(arguments).rawValue
    }

    static func run(_ arguments: [String]) async -> ExitStatus {
        guard let name = arguments.first else {
            Console.writeError(overview)
            return .usageOrStoreError
        }
        switch name {
        case "-h", "--help":
            return printOut(overview)
        case "help":
            guard let topic = arguments.dropFirst().first else { return printOut(overview) }
            guard let command = subcommands.first(where: { $0.spec.name == topic }) else {
                return usageFailure(UsageError("unknown subcommand '\(topic)'"))
            }
            return printOut(command.spec.helpText)
        default:
            break
        }
        guard let command = subcommands.first(where: { $0.spec.name == name }) else {
            return usageFailure(UsageError("unknown subcommand '\(name)'"))
        }
        do {
            let parsed = try command.spec.parse(Array(arguments.dropFirst()))
            if parsed.wantsHelp { return printOut(command.spec.helpText) }
            return try await command.run(parsed)
        } catch let error as UsageError {
            return usageFailure(error)
        } catch let error as CommandFailure {
            Console.error(error.message)
            return error.status
        } catch {
            Console.error(String(describing: error))
            return .usageOrStoreError
        }
    }

    private static func printOut(_ text: String) -> ExitStatus {
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        output.bytes.append(contentsOf: text.utf8)
        do {
            try output.flush()
            return .success
        } catch {
            Console.error(error.description)
            return .usageOrStoreError
        }
    }

    private static func usageFailure(_ error: UsageError) -> ExitStatus {
        let help = error.command.map { "reconcile \($0) --help" } ?? "reconcile --help"
        Console.error("\(error.message)\nSee '\(help)'.")
        return .usageOrStoreError
    }
}
