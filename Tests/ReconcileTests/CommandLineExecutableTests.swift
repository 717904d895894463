import Foundation
import Testing

/// Usage, help and exit statuses of the `reconcile` executable.
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
        (["frobnicate"], "reconcile: unknown subcommand 'frobnicate'\nSee 'reconcile --help'.\n"),
        (["help", "frobnicate"], "reconcile: unknown subcommand 'frobnicate'\nSee 'reconcile --help'.\n"),
        (["identify", "--bogus"], "reconcile: unknown option '--bogus'\nSee 'reconcile identify --help'.\n"),
        (
            ["identify", "--durability", "sometimes"],
            "reconcile: --durability must be one of immediate, grouped, deferred, not 'sometimes'\nSee 'reconcile identify --help'.\n"
        ),
        (
            ["identify", "--policy", "fuzzy"],
            "reconcile: --policy must be one of standard, exact, not 'fuzzy'\nSee 'reconcile identify --help'.\n"
        ),
        (["identify", "extra"], "reconcile: unexpected argument 'extra'\nSee 'reconcile identify --help'.\n"),
        (["contacts"], "reconcile: --store is required\nSee 'reconcile contacts --help'.\n"),
        (["verify"], "reconcile: --store is required\nSee 'reconcile verify --help'.\n"),
        (["compact"], "reconcile: --store is required\nSee 'reconcile compact --help'.\n"),
        (["import"], "reconcile: --store is required\nSee 'reconcile import --help'.\n"),
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
            "reconcile: --id must be a positive integer, not 'zero'\nSee 'reconcile show --help'.\n"
        ),
        (["delete", "--id", "1"], "reconcile: --store is required\nSee 'reconcile delete --help'.\n"),
        (["delete", "--store", "x.store"], "reconcile: --id is required\nSee 'reconcile delete --help'.\n"),
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
        (["apply", "--id", "1"], "reconcile: unknown option '--id'\nSee 'reconcile apply --help'.\n"),
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
