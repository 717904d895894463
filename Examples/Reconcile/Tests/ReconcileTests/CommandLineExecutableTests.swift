import Foundation
import Testing

/// Usage, help and exit statuses of the `reconcile` executable: help and usage messages come from
/// swift-argument-parser, in the tool's own `reconcile: MESSAGE` / `See '…'` form, with status 2.
@Suite("reconcile usage (executable)")
struct CommandLineExecutableTests {
    static let subcommands = [
        "identify", "apply", "delete", "forget", "erase", "contacts", "show", "import", "verify", "compact",
    ]

    @Test(arguments: subcommands)
    func everySubcommandHasHelp(name: String) async throws {
        try await withTemporaryDirectory { directory in
            for arguments in [[name, "--help"], [name, "-h"], ["help", name]] {
                let result = try ReconcileProcess.run(arguments, in: directory)
                #expect(result.status == 0)
                #expect(result.outputText.contains("USAGE: reconcile \(name) "))
                #expect(result.outputText.contains("-h, --help"))
            }
        }
    }

    @Test func overviewListsEverySubcommand() async throws {
        try await withTemporaryDirectory { directory in
            let help = try ReconcileProcess.run(["--help"], in: directory)
            #expect(help.status == 0)
            for name in Self.subcommands { #expect(help.outputText.contains("\n  \(name) ")) }
            let bare = try ReconcileProcess.run([], in: directory)
            #expect(bare.status == 2)
            #expect(bare.output.isEmpty)
            #expect(bare.error.contains("USAGE: reconcile <subcommand>"))
        }
    }

    @Test(arguments: [
        (["frobnicate"], "reconcile: Unexpected argument 'frobnicate'\nSee 'reconcile --help'.\n"),
        (["help", "frobnicate"], "reconcile: Unknown subcommand 'frobnicate'\nSee 'reconcile --help'.\n"),
        (["identify", "--bogus"], "reconcile: Unknown option '--bogus'\nSee 'reconcile identify --help'.\n"),
        (
            ["identify", "--durability", "sometimes"],
            "reconcile: The value 'sometimes' is invalid for '--durability <durability>'. Please provide one of 'immediate', 'grouped' or 'deferred'.\nSee 'reconcile identify --help'.\n"
        ),
        (
            ["identify", "--policy", "fuzzy"],
            "reconcile: The value 'fuzzy' is invalid for '--policy <policy>'. Please provide one of 'standard' and 'exact'.\nSee 'reconcile identify --help'.\n"
        ),
        (["identify", "extra"], "reconcile: Unexpected argument 'extra'\nSee 'reconcile identify --help'.\n"),
        (["contacts"], "reconcile: Missing expected argument '--store <path>'\nSee 'reconcile contacts --help'.\n"),
        (["verify"], "reconcile: Missing expected argument '--store <path>'\nSee 'reconcile verify --help'.\n"),
        (["compact"], "reconcile: Missing expected argument '--store <path>'\nSee 'reconcile compact --help'.\n"),
        (["import"], "reconcile: Missing expected argument '--store <path>'\nSee 'reconcile import --help'.\n"),
        (
            ["show", "--store", "x.store"],
            "reconcile: give exactly one of --id, --email and --phone\nSee 'reconcile show --help'.\n"
        ),
        (
            ["show", "--store", "x.store", "--id", "1", "--email", "a@x.io"],
            "reconcile: give exactly one of --id, --email and --phone\nSee 'reconcile show --help'.\n"
        ),
        (
            ["show", "--store", "x.store", "--id", "zero"],
            "reconcile: The value 'zero' is invalid for '--id <n>'\nSee 'reconcile show --help'.\n"
        ),
        (
            ["delete", "--id", "1"],
            "reconcile: Missing expected argument '--store <path>'\nSee 'reconcile delete --help'.\n"
        ),
        (
            ["delete", "--store", "x.store"],
            "reconcile: Missing expected argument '--id <n>'\nSee 'reconcile delete --help'.\n"
        ),
        (
            ["erase", "--store", "x.store", "--id", "-3"],
            "reconcile: --id must be a positive integer, not '-3'\nSee 'reconcile erase --help'.\n"
        ),
        (
            ["forget", "--store", "x.store"],
            "reconcile: give exactly one of --email and --phone\nSee 'reconcile forget --help'.\n"
        ),
        (
            ["forget", "--store", "x.store", "--email", "a@x.io", "--phone", "1"],
            "reconcile: give exactly one of --email and --phone\nSee 'reconcile forget --help'.\n"
        ),
        (["apply", "--id", "1"], "reconcile: Unknown option '--id'\nSee 'reconcile apply --help'.\n"),
    ])
    func usageErrorsExitWithStatus2(arguments: [String], message: String) async throws {
        try await withTemporaryDirectory { directory in
            let result = try ReconcileProcess.run(arguments, in: directory)
            #expect(result.status == 2)
            #expect(result.error == message)
            #expect(result.output.isEmpty)
            // A usage error never creates a store.
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.store").path))
        }
    }

    @Test func aMissingImportFileIsAnError() async throws {
        try await withTemporaryDirectory { directory in
            let result = try ReconcileProcess.run(["import", "--store", "x.store", "missing.jsonl"], in: directory)
            #expect(result.status == 2)
            #expect(
                result.error.hasPrefix("reconcile: cannot open missing.jsonl: open failed: No such file or directory"))
        }
    }
}
