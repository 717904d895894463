/// Answers every line of standard input with exactly one line of standard output, in order:
/// the shared loop of `identify` and `apply`.
///
/// A line that cannot be decoded, or whose request is refused (``LineFailure/init(refusal:)``),
/// is answered with an error line and counted; any other error (a store's, an I/O error) stops
/// the run after the lines answered so far are written. Progress is shown on a terminal.
final class LineAnswers {
    /// Lines read so far.
    private(set) var lines = 0
    /// Lines answered with an error line so far.
    private(set) var errors = 0

    private let lineBuffered: Bool

    /// - Parameter lineBuffered: Whether to write and flush each answer before reading the next line.
    init(lineBuffered: Bool) {
        self.lineBuffered = lineBuffered
    }

    /// Reads standard input to its end.
    ///
    /// - Parameters:
    ///   - decode: Reads one line (without its newline).
    ///   - answer: Acts on a decoded line and appends its answer, without the newline, to the
    ///     output; it appends nothing when it throws.
    /// - Throws: The first error that is not a refusal; ``SystemError`` for standard input or output.
    func run<Request>(
        decode: (UnsafeBufferPointer<UInt8>) throws(LineFailure) -> Request,
        answer: (Request, OutputBuffer) async throws -> Void
    ) async throws {
        let reader = LineReader(descriptor: 0, name: "standard input")
        let output = OutputBuffer(descriptor: 1, name: "standard output", lineBuffered: lineBuffered)
        var progress = ProgressMeter(counting: "lines")
        defer { progress.finish() }
        do {
            while let decoded = try reader.next({ line -> Result<Request, LineFailure> in
                switch line {
                case .tooLong: .failure(.lineTooLong)
                case .bytes(let bytes): Result { () throws(LineFailure) in try decode(bytes) }
                }
            }) {
                lines += 1
                do {
                    try await answer(try decoded.get(), output)
                } catch {
                    guard let failure = (error as? LineFailure) ?? LineFailure(refusal: error) else { throw error }
                    errors += 1
                    failure.append(line: reader.lineNumber, to: &output.bytes)
                }
                try output.endLine()
                progress.update(reader.lineNumber)
            }
        } catch {
            // The lines answered so far are true: write them before reporting the failure.
            try? output.flush()
            throw error
        }
        try output.flush()
    }
}
