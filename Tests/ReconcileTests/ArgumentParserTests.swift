import Testing

@testable import ReconcileCommand

@Suite("Argument parser")
struct ArgumentParserTests {
    static let spec = CommandSpec(
        name: "demo",
        abstract: "A demo command.",
        usage: "[--store PATH] [--mode MODE] [--verbose] [FILE]",
        options: [
            .init(name: "store", valueName: "PATH", help: "Where."),
            .init(name: "mode", valueName: "MODE", help: "How.", choices: ["fast", "slow"]),
            .init(name: "id", valueName: "N", help: "Which."),
        ],
        flags: [.init(name: "verbose", help: "Say more.")],
        positionals: ["FILE"]
    )

    @Test func optionsFlagsAndPositionals() throws {
        let parsed = try Self.spec.parse(["--store", "a.store", "--verbose", "--mode=slow", "input.csv"])
        #expect(parsed[option: "store"] == "a.store")
        #expect(parsed[option: "mode"] == "slow")
        #expect(parsed.has("verbose"))
        #expect(parsed.positionals == ["input.csv"])
        #expect(!parsed.wantsHelp)
    }

    @Test func nothingGiven() throws {
        let parsed = try Self.spec.parse([])
        #expect(parsed == ParsedArguments())
        #expect(parsed[option: "store"] == nil)
        #expect(!parsed.has("verbose"))
    }

    @Test func inlineValueMayBeEmptyOrContainEquals() throws {
        let parsed = try Self.spec.parse(["--store=a=b", "--id="])
        #expect(parsed[option: "store"] == "a=b")
        #expect(parsed[option: "id"] == "")
    }

    @Test func valueMayStartWithADash() throws {
        // Only this command's own option names are refused as values.
        let parsed = try Self.spec.parse(["--store", "-weird-name"])
        #expect(parsed[option: "store"] == "-weird-name")
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try Self.spec.parse(["--", "--verbose"])
        #expect(parsed.positionals == ["--verbose"])
        #expect(!parsed.has("verbose"))
    }

    @Test func singleDashIsAPositional() throws {
        #expect(try Self.spec.parse(["-"]).positionals == ["-"])
    }

    @Test(arguments: ["-h", "--help"])
    func help(flag: String) throws {
        #expect(try Self.spec.parse(["--store", "x", flag]).wantsHelp)
    }

    @Test(arguments: [
        (["--nope"], "unknown option '--nope'"),
        (["-x"], "unknown option '-x'"),
        (["--store"], "--store needs a value (PATH)"),
        (["--store", "--verbose"], "--store needs a value (PATH)"),
        (["--mode", "medium"], "--mode must be one of fast, slow, not 'medium'"),
        (["--store", "a", "--store=b"], "--store is given more than once"),
        (["--verbose=yes"], "--verbose takes no value"),
        (["one", "two"], "unexpected argument 'two'"),
    ])
    func usageErrors(arguments: [String], message: String) {
        #expect(throws: UsageError(message, command: "demo")) { try Self.spec.parse(arguments) }
    }

    @Test func positiveIntegerAndRequired() throws {
        let parsed = try Self.spec.parse(["--id", "12"])
        #expect(try parsed.positiveInteger("id", command: "demo") == 12)
        #expect(try parsed.positiveInteger("store", command: "demo") == nil)
        #expect(throws: UsageError("--store is required", command: "demo")) {
            try parsed.required("store", command: "demo")
        }
        for bad in ["0", "-3", "x", "1.5"] {
            let badParsed = try Self.spec.parse(["--id=\(bad)"])
            #expect(throws: UsageError("--id must be a positive integer, not '\(bad)'", command: "demo")) {
                try badParsed.positiveInteger("id", command: "demo")
            }
        }
    }

    @Test func choiceConvertsToTheEnum() throws {
        #expect(try Self.spec.parse(["--mode", "fast"]).choice("mode", default: Mode.slow) == .fast)
        #expect(try Self.spec.parse([]).choice("mode", default: Mode.slow) == .slow)
    }

    enum Mode: String { case fast, slow }

    @Test func helpTextListsEveryOption() {
        let help = Self.spec.helpText
        #expect(help.hasPrefix("OVERVIEW: A demo command.\n\nUSAGE: reconcile demo [--store PATH]"))
        for line in ["--store PATH", "--mode MODE", "How. (fast|slow)", "--verbose", "-h, --help"] {
            #expect(help.contains(line), "missing \(line)")
        }
    }

    @Test func everySubcommandHasHelp() {
        let names = ReconcileCommand.subcommands.map { $0.spec.name }
        #expect(
            names == [
                "identify", "apply", "delete", "forget", "erase", "contacts", "show", "import", "verify", "compact",
            ])
        for command in ReconcileCommand.subcommands {
            #expect(command.spec.helpText.contains("USAGE: reconcile \(command.spec.name) "))
        }
    }
}
