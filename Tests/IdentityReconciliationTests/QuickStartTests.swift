import Foundation
import Testing

/// The QuickStart program runs, prints the official results, and is what the README shows.
@Suite("QuickStart")
struct QuickStartTests {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func printsTheOfficialResults() throws {
        // Built with the tests (an executable target of the package), next to the test bundle.
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("QuickStart")
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path), "no QuickStart at \(executable.path)")
        let process = Process()
        process.executableURL = executable
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The output is a few hundred bytes: it cannot fill the pipe before the exit.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(
            String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init) == [
                #"1 ["lorraine@hillvalley.edu"] ["123456"] [] createdPrimary(contactID: 1)"#,
                #"1 ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"] ["123456"] [2] createdSecondary(contactID: 2)"#,
                #"3 ["george@hillvalley.edu"] ["919191"] [] createdPrimary(contactID: 3)"#,
                #"4 ["biffsucks@hillvalley.edu"] ["717171"] [] createdPrimary(contactID: 4)"#,
                #"3 ["george@hillvalley.edu", "biffsucks@hillvalley.edu"] ["919191", "717171"] [4] merged(primaryID: 3, demotedPrimaryID: 4)"#,
            ])
    }

    /// The README's snippet is the program's source, byte for byte.
    @Test func theReadmeSnippetIsTheSource() throws {
        let source = try String(
            contentsOf: Self.package.appendingPathComponent("Examples/QuickStart/main.swift"), encoding: .utf8)
        let examples = try String(
            contentsOf: Self.package.appendingPathComponent("Examples/Reconcile/README.md"), encoding: .utf8)
        #expect(Self.swiftBlocks(in: examples).contains(source))
        // (scripts/docs.sh also checks the block under the root README's "## Use".)
        let readme = try String(contentsOf: Self.package.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(Self.swiftBlocks(in: readme).contains(source))
    }

    /// The contents of every ```swift block, each ending with a newline.
    static func swiftBlocks(in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }
}
