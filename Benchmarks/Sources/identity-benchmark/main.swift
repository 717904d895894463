import Foundation

/// Writes a progress line to standard error, so standard output holds only the report.
func progress(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

let options: Options
do {
    options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
} catch let error as Options.UsageError {
    let isHelp = CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h")
    if isHelp {
        print(Options.usage)
        exit(0)
    }
    progress("error: \(error)")
    exit(64)
}

let directory = options.directory ?? "/var/tmp/identity-benchmark-\(getpid())"
do {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
} catch {
    progress("error: cannot create \(directory): \(error)")
    exit(73)
}
/// Removes the directory this run made (not one given with `--dir`) and exits: `exit` skips
/// the top-level code's `defer`, so every way out goes through here.
func finish(_ status: Int32) -> Never {
    if options.directory == nil { try? FileManager.default.removeItem(atPath: directory) }
    exit(status)
}

// Before anything suspends (see InstructionDriver.run).
if let store = options.drive {
    do {
        print(try InstructionDriver.run(store, requests: options.requests, seed: options.seed, directory: directory))
    } catch {
        progress("error: \(error)")
        finish(1)
    }
    finish(0)
}

if options.selfTest {
    let failures = await SelfTest(options: options, directory: directory).run()
    finish(failures == 0 ? 0 : 1)
}

do {
    let report = try await Benchmark(options: options, directory: directory).run()
    print(report.text())
    if let path = options.jsonPath {
        try report.write(to: path)
        progress("wrote \(path)")
    }
} catch {
    progress("error: \(error)")
    finish(1)
}
finish(0)
