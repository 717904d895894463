/// One subcommand of `reconcile`: its arguments and what it does.
protocol Subcommand {
    /// The subcommand's arguments and help.
    static var spec: CommandSpec { get }

    /// Runs the subcommand.
    ///
    /// - Returns: The exit status.
    /// - Throws: ``UsageError`` or ``CommandFailure`` (the caller prints them), or any
    ///   store or I/O error (reported with status 2).
    static func run(_ arguments: ParsedArguments) async throws -> ExitStatus
}
