/// The tool's `LineFailure` (Sources/reconcile/Commands/LineFailure.swift) reduced to what
/// `CSVTable` uses. The tool's own also converts the library's errors, so linking it here
/// would make this target depend on the library, and the fuzz build compile the library a
/// second time (over a minute of CI) for a tokenizer that does not use it.
struct LineFailure: Error, Equatable {
    /// The machine-readable code, `invalid_csv` for every tokenizer error.
    var code: String
    /// The sentence, `line N: …`.
    var message: String
}
