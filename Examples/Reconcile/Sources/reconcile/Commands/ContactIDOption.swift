import ArgumentParser

/// `--id N`, a required positive contact id (`delete`, `erase`).
struct ContactIDOption: ParsableArguments {
    // Unconditional, so that `--id -3` is refused as a non-positive id, not as a missing value.
    @Option(parsing: .unconditional, help: ArgumentHelp("The id of a live row of the person.", valueName: "n"))
    var id: Int

    func validate() throws {
        guard id > 0 else { throw ValidationError("--id must be a positive integer, not '\(id)'") }
    }
}
