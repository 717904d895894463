/// The command line is wrong: an unknown subcommand or option, a missing or bad value.
///
/// The tool prints it with a pointer to `--help` and exits with status 2.
struct UsageError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, as one sentence.
    var message: String
    /// The subcommand whose usage applies, or `nil` for the tool as a whole.
    var command: String?

    init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    var description: String { message }
}
