/// The arguments of one subcommand after ``CommandSpec/parse(_:)``.
struct ParsedArguments: Equatable {
    /// Option values by name (without dashes).
    var options: [String: String] = [:]
    /// The flags given, by name.
    var flags: Set<String> = []
    /// The positional arguments, in order.
    var positionals: [String] = []
    /// Whether `-h` or `--help` was given.
    var wantsHelp = false

    /// The value of an option, or `nil` when it was not given.
    subscript(option name: String) -> String? { options[name] }

    /// Whether a flag was given.
    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The value of an option that must be given.
    ///
    /// - Throws: ``UsageError`` naming the option when it is missing.
    func required(_ name: String, command: String) throws(UsageError) -> String {
        guard let value = options[name] else { throw UsageError("--\(name) is required", command: command) }
        return value
    }

    /// The value of an option as a positive integer, or `nil` when it was not given.
    ///
    /// - Throws: ``UsageError`` when the value is not a positive integer.
    func positiveInteger(_ name: String, command: String) throws(UsageError) -> Int? {
        guard let text = options[name] else { return nil }
        guard let value = Int(text), value > 0 else {
            throw UsageError("--\(name) must be a positive integer, not '\(text)'", command: command)
        }
        return value
    }

    /// The value of an option whose choices are the raw values of `T`, or `fallback` when not given.
    ///
    /// The spec's `choices` already limit the values, so the conversion cannot fail after parsing.
    func choice<T: RawRepresentable>(_ name: String, default fallback: T) -> T where T.RawValue == String {
        options[name].flatMap(T.init(rawValue:)) ?? fallback
    }
}
