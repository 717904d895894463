/// What a subcommand accepts: its options, flags and positional arguments, with the
/// text of its `--help`.
///
/// The parser (``parse(_:)``) is deliberately small: `--name value`, `--name=value`,
/// flags, positionals, `--` to end options, and `-h`/`--help`. Values are checked
/// against a list of choices or as integers when the spec says so.
struct CommandSpec {
    /// An option that takes a value.
    struct Option {
        /// The name without dashes, such as `store`.
        var name: String
        /// The placeholder in usage text, such as `PATH`.
        var valueName: String
        /// One line of help.
        var help: String
        /// The accepted values, or empty for any value.
        var choices: [String] = []
    }

    /// A flag: an option without a value.
    struct Flag {
        /// The name without dashes, such as `stats`.
        var name: String
        /// One line of help.
        var help: String
    }

    /// The subcommand's name, such as `identify`.
    var name: String
    /// One line saying what it does.
    var abstract: String
    /// The usage line after `reconcile <name>`, such as `[--store PATH] [--email E]`.
    var usage: String
    /// More text after the option list: details, examples. May be empty.
    var discussion: String = ""
    /// The options.
    var options: [Option] = []
    /// The flags.
    var flags: [Flag] = []
    /// The names of the positional arguments, in order (all optional), such as `["FILE"]`.
    var positionals: [String] = []

    /// The `--help` text.
    var helpText: String {
        var lines = ["OVERVIEW: \(abstract)", "", "USAGE: reconcile \(name) \(usage)"]
        var rows: [(String, String)] = []
        for option in options {
            let choices = option.choices.isEmpty ? "" : " (\(option.choices.joined(separator: "|")))"
            rows.append(("--\(option.name) \(option.valueName)", option.help + choices))
        }
        for flag in flags { rows.append(("--\(flag.name)", flag.help)) }
        rows.append(("-h, --help", "Show this help."))
        let width = rows.map(\.0.count).max() ?? 0
        lines += ["", "OPTIONS:"]
        for (left, right) in rows {
            lines.append("  " + left + String(repeating: " ", count: width - left.count + 2) + right)
        }
        if !discussion.isEmpty { lines += ["", discussion] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the arguments that follow the subcommand's name.
    ///
    /// - Throws: ``UsageError`` for an unknown option, a missing value, a value outside the
    ///   option's choices, an option given twice, or too many positional arguments.
    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                guard parsed.positionals.count < positionals.count else {
                    throw UsageError("unexpected argument '\(argument)'", command: name)
                }
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "-h" || argument == "--help" {
                parsed.wantsHelp = true
                continue
            }
            guard argument.hasPrefix("--") else { throw UsageError("unknown option '\(argument)'", command: name) }
            let body = argument.dropFirst(2)
            let optionName: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                optionName = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                optionName = String(body)
            }
            if let flag = flags.first(where: { $0.name == optionName }) {
                guard inlineValue == nil else { throw UsageError("--\(flag.name) takes no value", command: name) }
                parsed.flags.insert(flag.name)
                continue
            }
            guard let option = options.first(where: { $0.name == optionName }) else {
                throw UsageError("unknown option '--\(optionName)'", command: name)
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                // A following argument that names one of this command's options is not a value.
                guard index < arguments.count, !isOptionName(arguments[index]) else {
                    throw UsageError("--\(option.name) needs a value (\(option.valueName))", command: name)
                }
                value = arguments[index]
                index += 1
            }
            guard option.choices.isEmpty || option.choices.contains(value) else {
                throw UsageError(
                    "--\(option.name) must be one of \(option.choices.joined(separator: ", ")), not '\(value)'",
                    command: name)
            }
            guard parsed.options.updateValue(value, forKey: option.name) == nil else {
                throw UsageError("--\(option.name) is given more than once", command: name)
            }
        }
        return parsed
    }

    private func isOptionName(_ argument: String) -> Bool {
        guard argument.hasPrefix("--") else { return argument == "-h" }
        let name = argument.dropFirst(2).prefix { $0 != "=" }
        return name.isEmpty || name == "help" || options.contains { $0.name == name }
            || flags.contains { $0.name == name }
    }
}
