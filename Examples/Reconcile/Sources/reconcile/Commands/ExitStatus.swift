/// The tool's exit statuses.
enum ExitStatus: Int32, Error {
    /// Everything succeeded.
    case success = 0
    /// The command ran, but some input was refused or nothing matched (`identify` wrote
    /// error lines, `show` found no contact, `import` refused the table, `verify` found problems).
    case failure = 1
    /// The command could not run: bad usage, or the store could not be opened, read or written.
    case usageOrStoreError = 2
}

extension ExitStatus {
    /// Ends a command with this status: returns for success, else throws it, so that
    /// ``Reconcile/run(_:)`` exits with it (a command's own messages are already printed).
    func end() throws(ExitStatus) {
        if self != .success { throw self }
    }
}
