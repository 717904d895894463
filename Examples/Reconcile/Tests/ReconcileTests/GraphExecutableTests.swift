import Foundation
import IdentityReconciliation
import Testing

/// `reconcile explain` and `reconcile report`, run as subprocesses.
@Suite("reconcile explain and report (executable)")
struct GraphExecutableTests {
    /// Rows 1 {a, 111} and 2 {b, 111} share a phone number, 3 {c, 222} and 4 {c, 333} an
    /// email, and the order {b, 333} merges the two people, recording the link {b, 333}.
    static let chainOrders = [
        ("a@x.io", "111"), ("b@x.io", "111"), ("c@x.io", "222"), ("c@x.io", "333"), ("b@x.io", "333"),
    ]

    @Test func explainPrintsTheChainThroughAPhoneNumberALinkAndAnEmail() async throws {
        try await withTemporaryDirectory { directory in
            try CorrectionExecutableTests.identify(Self.chainOrders, store: "s.store", in: directory)
            let contacts = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            let link = try #require(contacts.lines.last)
            #expect(link.hasPrefix(#"{"link":{"email":"b@x.io","phoneNumber":"333","createdAt":"#))

            let explain = try ReconcileProcess.run(
                ["explain", "--store", "s.store", "--id", "1", "--to", "3"], in: directory)
            #expect(explain.status == 0)
            #expect(explain.error == "")
            #expect(
                explain.lines == [
                    #"{"steps":[{"from":1,"to":2,"via":{"phoneNumber":"111"}},"#
                        + #"{"from":2,"to":4,"via":"# + link + "},"
                        + #"{"from":4,"to":3,"via":{"email":"c@x.io"}}]}"#
                ])
            let same = try ReconcileProcess.run(
                ["explain", "--store", "s.store", "--id", "2", "--to", "2"], in: directory)
            #expect(same.lines == [#"{"steps":[]}"#])
        }
    }

    @Test func explainRefusesMissingRowsAndDifferentPeople() async throws {
        try await withTemporaryDirectory { directory in
            try CorrectionExecutableTests.identify(
                Self.chainOrders + [("z@x.io", "999")], store: "s.store", in: directory)
            let missing = try ReconcileProcess.run(
                ["explain", "--store", "s.store", "--id", "1", "--to", "42"], in: directory)
            #expect(missing.status == 1)
            #expect(missing.output.isEmpty)
            #expect(missing.error == "reconcile: contact_not_found: no live contact has id 42\n")
            let different = try ReconcileProcess.run(
                ["explain", "--store", "s.store", "--id", "5", "--to", "1"], in: directory)
            #expect(different.status == 1)
            #expect(
                different.error
                    == "reconcile: different_people: contacts 5 and 1 belong to different people: no evidence joins them\n"
            )
            let usage = try ReconcileProcess.run(
                ["explain", "--store", "s.store", "--id", "1", "--to", "-3"], in: directory)
            #expect(usage.status == 2)
            #expect(usage.error.hasPrefix("reconcile: --to must be a positive integer, not '-3'"))
            let noStore = try ReconcileProcess.run(
                ["explain", "--store", "none.store", "--id", "1", "--to", "2"], in: directory)
            #expect(noStore.status == 2)
            #expect(noStore.error == "reconcile: no store at none.store\n")
        }
    }

    @Test func reportFlagsTheSuperClusterAndItsValue() async throws {
        try await withTemporaryDirectory { directory in
            let orders = (1...20).map { ("customer\($0)@shop.io", "0000000000") }
            try CorrectionExecutableTests.identify(orders, store: "s.store", in: directory)
            let report = try ReconcileProcess.run(
                ["report", "--store", "s.store", "--top", "2", "--flag-over", "10"], in: directory)
            #expect(report.status == 0)
            #expect(report.error == "")
            let group = #"{"primaryID":1,"rows":20,"emails":20,"phoneNumbers":1}"#
            let value = #"{"field":"phoneNumber","value":"0000000000","rows":20,"links":0,"primaryID":1}"#
            #expect(
                report.lines == [
                    #"{"rows":20,"liveRows":20,"deletedRows":0,"links":0,"people":1,"groupSizes":["#
                        + #"{"smallest":1,"largest":1,"groups":0},{"smallest":2,"largest":3,"groups":0},"#
                        + #"{"smallest":4,"largest":7,"groups":0},{"smallest":8,"largest":15,"groups":0},"#
                        + #"{"smallest":16,"largest":31,"groups":1}],"#
                        + #""largestGroups":[\#(group)],"topValues":[\#(value)],"flagThreshold":10,"#
                        + #""flaggedGroups":[\#(group)],"flaggedValues":[\#(value)]}"#
                ])
            let decoded = try JSONDecoder().decode(GraphReport.self, from: report.output)
            #expect(decoded.flaggedValues.map(\.value) == ["0000000000"])

            let table = try ReconcileProcess.run(
                ["report", "--store", "s.store", "--flag-over", "10", "--format", "table"], in: directory)
            #expect(table.status == 0)
            #expect(table.outputText.contains("people   1\n"))
            #expect(table.outputText.contains("  16–31  1\n"))
            #expect(table.outputText.contains("flagged over 10: 1 group(s), 1 value(s)\n"))
            #expect(table.outputText.contains("  phoneNumber  0000000000  20    0      1\n"))

            // Forgetting the value repairs it: twenty people, nothing flagged.
            _ = try ReconcileProcess.run(["forget", "--store", "s.store", "--phone", "0000000000"], in: directory)
            let repaired = try JSONDecoder().decode(
                GraphReport.self,
                from: try ReconcileProcess.run(["report", "--store", "s.store", "--flag-over", "10"], in: directory)
                    .output)
            #expect(repaired.people == 20)
            #expect(repaired.flaggedGroups.isEmpty && repaired.flaggedValues.isEmpty)
        }
    }

    @Test func reportRefusesBadOptionsAndMissingStores() async throws {
        try await withTemporaryDirectory { directory in
            let negative = try ReconcileProcess.run(["report", "--store", "s.store", "--top", "-1"], in: directory)
            #expect(negative.status == 2)
            #expect(negative.error.hasPrefix("reconcile: --top must be zero or more, not '-1'"))
            let missing = try ReconcileProcess.run(["report", "--store", "s.store"], in: directory)
            #expect(missing.status == 2)
            #expect(missing.error == "reconcile: no store at s.store\n")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("s.store").path))
        }
    }
}

extension GraphExecutableTests {
    /// `script` (util-linux) runs a command on a pseudo-terminal.
    static let script = "/usr/bin/script"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: script)))
    func reportPrintsATableOnATerminalAndJSONOtherwise() async throws {
        try await withTemporaryDirectory { directory in
            try CorrectionExecutableTests.identify([("a@x.io", "1"), ("b@x.io", "1")], store: "s.store", in: directory)
            let reconcile = try ReconcileProcess.executable().path
            let output = directory.appendingPathComponent("terminal.txt")
            try Data().write(to: output)
            let handle = try FileHandle(forWritingTo: output)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.script)
            process.arguments = ["-qec", "\(reconcile) report --store s.store", "/dev/null"]
            process.currentDirectoryURL = directory
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = handle
            try process.run()
            process.waitUntilExit()
            try handle.close()
            let terminal = String(decoding: try Data(contentsOf: output), as: UTF8.self)
            #expect(process.terminationStatus == 0, "\(terminal)")
            #expect(terminal.contains("people   1"))
            #expect(!terminal.contains("{"))
            let piped = try ReconcileProcess.run(["report", "--store", "s.store"], in: directory)
            #expect(piped.outputText.hasPrefix(#"{"rows":2,"#))
        }
    }
}
