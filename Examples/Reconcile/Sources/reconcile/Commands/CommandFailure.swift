/// A command stopped with a message for standard error and an exit status.
struct CommandFailure: Error, Equatable, CustomStringConvertible {
    /// What went wrong, for a person.
    var message: String
    /// The exit status to use.
    var status: ExitStatus

    init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    var description: String { "\(message)" }
}
