import Foundation
import Testing

/// Runs the built `reconcile` executable, as swift-argument-parser tests its examples.
///
/// The binary is found beside the test bundle (SwiftPM builds every product of the
/// package before `swift test` runs), or in `.build/debug` of the package.
struct ReconcileProcess {
    /// What one run printed and how it exited.
    struct Result {
        var status: Int32
        var output: Data
        var error: String

        var outputText: String { String(decoding: output, as: UTF8.self) }
        /// Standard output split into lines (without the final empty one).
        var lines: [String] {
            outputText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
    }

    static func executable(_ name: String = "reconcile") throws -> URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent(name)
        var candidates = [beside]
        // `swift test` may run the bundle through a helper; fall back to the package's build folder.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/\(name)"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ProcessFailure("no \(name) executable at \(candidates.map(\.path)); run `swift build` first")
        }
        return found
    }

    /// Runs `reconcile` (or another executable of the package) with arguments and standard input, in `directory`.
    static func run(
        _ arguments: [String], input: Data = Data(), in directory: URL, executable name: String = "reconcile"
    ) throws -> Result {
        let inputFile = directory.appendingPathComponent("stdin-\(UUID().uuidString)")
        let outputFile = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errorFile = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        try input.write(to: inputFile)
        try Data().write(to: outputFile)
        try Data().write(to: errorFile)
        defer {
            for file in [inputFile, outputFile, errorFile] { try? FileManager.default.removeItem(at: file) }
        }
        let process = Process()
        process.executableURL = try executable(name)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // Files, not pipes: a large output cannot fill a pipe while the test waits for the exit.
        let stdin = try FileHandle(forReadingFrom: inputFile)
        let stdout = try FileHandle(forWritingTo: outputFile)
        let stderr = try FileHandle(forWritingTo: errorFile)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        try stdin.close()
        try stdout.close()
        try stderr.close()
        return Result(
            status: process.terminationStatus,
            output: try Data(contentsOf: outputFile),
            error: String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }

    static func run(_ arguments: [String], input: String, in directory: URL) throws -> Result {
        try run(arguments, input: Data(input.utf8), in: directory)
    }
}

/// `reconcile` driven line by line through pipes, as another program drives it with
/// `--line-buffered`. A watchdog terminates it after two minutes, so a result that is never
/// flushed fails the test instead of hanging it.
final class ReconcileCoprocess {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var pending = Data()
    private let watchdog: Task<Void, any Error>

    init(_ arguments: [String], in directory: URL? = nil) throws {
        process.executableURL = try ReconcileProcess.executable()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let process = self.process
        watchdog = Task.detached {
            try await Task.sleep(for: .seconds(120))
            process.terminate()
        }
    }

    deinit { watchdog.cancel() }

    /// Writes one line to standard input, then returns the next line of standard output
    /// (without its newline), or `nil` when the output ends first.
    func send(_ line: String) -> String? {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        while !pending.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending += chunk
        }
        guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let answer = String(decoding: pending[..<newline], as: UTF8.self)
        pending = Data(pending[(newline + 1)...])
        return answer
    }

    /// Closes standard input and waits for the exit; returns the exit status.
    func finish() throws -> Int32 {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Kills the process with SIGKILL and waits for it.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A new, empty temporary directory, removed when the closure returns.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "reconcile-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}
