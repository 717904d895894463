#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Messages for people on standard error: diagnostics, progress and summaries.
///
/// Standard output carries only results, so it can be piped into another program.
enum Console {
    /// Whether standard error is a terminal (progress is shown only then).
    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// Writes text to standard error as is. Errors are ignored: there is nowhere left to report them.
    static func writeError(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var written = 0
            while written < utf8.count {
                let result = write(2, utf8.baseAddress! + written, utf8.count - written)
                if result > 0 {
                    written += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// Writes `reconcile: <message>` and a newline to standard error.
    static func error(_ message: String) {
        writeError("reconcile: \(message)\n")
    }
}
