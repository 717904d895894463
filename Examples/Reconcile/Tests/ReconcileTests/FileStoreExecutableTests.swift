import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `reconcile` subcommands over a file store, run as subprocesses.
@Suite("reconcile with a file store (executable)")
struct FileStoreExecutableTests {
    static let response = IdentifyExecutableTests.response

    /// A table as an old service exports it: a chain (4 → 3 → 2), a group whose primary (10)
    /// is younger than its secondary (11), two primaries for one person (20 and 21 share a
    /// phone number), and soft-deleted rows (one shares an email with a live group).
    static let messyTable = """
        {"id":2,"phoneNumber":"123456","email":"lorraine@hillvalley.edu","linkedId":null,"linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00.374Z","updatedAt":"2023-04-01T00:00:00.374Z","deletedAt":null}
        {"id":3,"phoneNumber":"123456","email":"mcfly@hillvalley.edu","linkedId":2,"linkPrecedence":"secondary","createdAt":"2023-04-20T05:30:00.110Z","updatedAt":"2023-04-20T05:30:00.110Z","deletedAt":null}
        {"id":4,"phoneNumber":"555","email":"marty@hillvalley.edu","linkedId":3,"linkPrecedence":"secondary","createdAt":"2023-04-21T05:30:00.110Z","updatedAt":"2023-04-21T05:30:00.110Z","deletedAt":null}
        {"id":10,"phoneNumber":"919191","email":"george@hillvalley.edu","linkedId":null,"linkPrecedence":"primary","createdAt":"2023-04-11T00:00:00.000Z","updatedAt":"2023-04-11T00:00:00.000Z","deletedAt":null}
        {"id":11,"phoneNumber":"919191","email":"g.mcfly@hillvalley.edu","linkedId":10,"linkPrecedence":"secondary","createdAt":"2023-04-10T00:00:00.000Z","updatedAt":"2023-04-12T00:00:00.000Z","deletedAt":null}
        {"id":20,"phoneNumber":"717171","email":"biffsucks@hillvalley.edu","linkedId":null,"linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00.000Z","updatedAt":"2023-04-01T00:00:00.000Z","deletedAt":null}
        {"id":21,"phoneNumber":"717171","email":"biff@hillvalley.edu","linkedId":null,"linkPrecedence":"primary","createdAt":"2023-04-02T00:00:00.000Z","updatedAt":"2023-04-02T00:00:00.000Z","deletedAt":null}
        {"id":30,"phoneNumber":"999","email":"doc@hillvalley.edu","linkedId":null,"linkPrecedence":"primary","createdAt":"2023-03-01T00:00:00.000Z","updatedAt":"2023-03-01T00:00:00.000Z","deletedAt":"2023-03-02T00:00:00.000Z"}
        {"id":31,"phoneNumber":"888","email":"marty@hillvalley.edu","linkedId":30,"linkPrecedence":"secondary","createdAt":"2023-03-01T00:00:00.000Z","updatedAt":"2023-03-01T00:00:00.000Z","deletedAt":"2023-03-02T00:00:00.000Z"}

        """

    @Test func theReadmeCommands() async throws {
        try await withTemporaryDirectory { directory in
            let store = "contacts.store"
            let first = try ReconcileProcess.run(
                ["identify", "--store", store, "--email", "lorraine@hillvalley.edu", "--phone", "123456"], in: directory
            )
            #expect(first.lines == [Self.response(1, ["lorraine@hillvalley.edu"], ["123456"], [])])
            #expect(first.status == 0)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(store).path))
            let second = try ReconcileProcess.run(
                ["identify", "--store", store, "--email", "mcfly@hillvalley.edu", "--phone", "123456"], in: directory)
            #expect(
                second.lines == [
                    Self.response(1, ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"], ["123456"], [2])
                ])
            #expect(second.status == 0)
        }
    }

    @Test(arguments: ["immediate", "grouped", "deferred"])
    func streamsPersistInEveryDurability(durability: String) async throws {
        try await withTemporaryDirectory { directory in
            let input = (1...500).map { #"{"email":"p\#($0 % 100)@x.io","phoneNumber":"\#($0 % 170)"}"# }
                .joined(separator: "\n")
            let inFile = try ReconcileProcess.run(
                ["identify", "--store", "s.store", "--durability", durability], input: input, in: directory)
            let inMemory = try ReconcileProcess.run(["identify"], input: input, in: directory)
            #expect(inFile.status == 0)
            #expect(inFile.output == inMemory.output)
            // The rows survived the process: the next new person continues the ids.
            let rows = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            let rowCount = rows.lines.count(where: { !$0.hasPrefix(#"{"link":"#) })
            let next = try ReconcileProcess.run(
                ["identify", "--store", "s.store", "--email", "new@x.io"], in: directory)
            #expect(next.lines == [Self.response(rowCount + 1, ["new@x.io"], [], [])])
            let verify = try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory)
            #expect(verify.status == 0)
        }
    }

    /// With `--line-buffered`, a printed result is already in the file: killing the tool
    /// right after reading it loses nothing.
    @Test(arguments: ["immediate", "grouped"])
    func aPrintedResultSurvivesKill9(durability: String) async throws {
        try await withTemporaryDirectory { directory in
            let tool = try ReconcileCoprocess(
                ["identify", "--store", "s.store", "--durability", durability, "--line-buffered"], in: directory)
            let answer = tool.send(#"{"email":"doc@hillvalley.edu","phoneNumber":"1985"}"#)
            tool.kill9()
            #expect(answer == Self.response(1, ["doc@hillvalley.edu"], ["1985"], []))
            let rows = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            #expect(rows.lines.count == 1)
            #expect(rows.lines.first?.contains(#""email":"doc@hillvalley.edu""#) == true)
        }
    }

    @Test func contactsShowVerifyAndCompact() async throws {
        try await withTemporaryDirectory { directory in
            let input = """
                {"email":"lorraine@hillvalley.edu","phoneNumber":"123456"}
                {"email":"mcfly@hillvalley.edu","phoneNumber":"123456"}
                {"email":"george@hillvalley.edu","phoneNumber":"919191"}

                """
            _ = try ReconcileProcess.run(["identify", "--store", "s.store"], input: input, in: directory)
            let contacts = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            #expect(contacts.status == 0)
            #expect(contacts.lines.count == 3)
            let rows = try contacts.lines.map { line in
                try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            #expect(rows.map { $0["id"] as? Int } == [1, 2, 3])
            #expect(rows.map { $0["linkedId"] as? Int } == [nil, 1, nil])
            #expect(rows.map { $0["linkPrecedence"] as? String } == ["primary", "secondary", "primary"])
            #expect(
                rows.map { $0["email"] as? String } == [
                    "lorraine@hillvalley.edu", "mcfly@hillvalley.edu", "george@hillvalley.edu",
                ])
            #expect(rows.allSatisfy { $0["deletedAt"] is NSNull })
            #expect(
                contacts.lines[0].hasPrefix(
                    #"{"id":1,"phoneNumber":"123456","email":"lorraine@hillvalley.edu","linkedId":null,"linkPrecedence":"primary","createdAt":""#
                ))
            let timestamp = try #require(rows[0]["createdAt"] as? String)
            #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)

            let linked = Self.response(1, ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"], ["123456"], [2])
            for selector in [["--id", "2"], ["--email", "MCFLY@hillvalley.edu"], ["--phone", "12-34-56"]] {
                let show = try ReconcileProcess.run(["show", "--store", "s.store"] + selector, in: directory)
                #expect(show.lines == [linked])
                #expect(show.status == 0)
            }
            let missing = try ReconcileProcess.run(
                ["show", "--store", "s.store", "--email", "biff@x.io"], in: directory)
            #expect(missing.status == 1)
            #expect(missing.output.isEmpty)
            #expect(missing.error == "reconcile: no live contact has email \"biff@x.io\"\n")

            let verify = try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory)
            #expect(verify.status == 0)
            #expect(verify.lines == ["ok: 3 row(s), 2 group(s), 0 soft-deleted"])

            let compact = try ReconcileProcess.run(["compact", "--store", "s.store"], in: directory)
            #expect(compact.status == 0)
            let afterCompact = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            #expect(afterCompact.output == contacts.output)
            #expect(try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory).status == 0)
            // Reads never write: show and contacts left the store as it was.
            #expect(
                try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory).output == contacts.output)
        }
    }

    @Test(arguments: [["contacts"], ["show", "--id", "1"], ["verify"], ["compact"]])
    func aMissingStoreIsNotCreatedByReads(arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let result = try ReconcileProcess.run(
                [arguments[0], "--store", "nothing.store"] + arguments.dropFirst(), in: directory)
            #expect(result.status == 2)
            #expect(result.error.contains("nothing.store"))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("nothing.store").path))
        }
    }

    @Test func verifyReportsADamagedFile() async throws {
        try await withTemporaryDirectory { directory in
            let input = (1...200).map { #"{"email":"p\#($0)@x.io","phoneNumber":"\#($0 % 50)"}"# }.joined(
                separator: "\n")
            _ = try ReconcileProcess.run(["identify", "--store", "s.store"], input: input, in: directory)
            let path = directory.appendingPathComponent("s.store")
            var bytes = try Data(contentsOf: path)
            // Flip bytes inside the records (the file is preallocated: its end is zeros).
            for offset in 300..<340 { bytes[offset] ^= 0x5A }
            try bytes.write(to: path)
            let verify = try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory)
            #expect(verify.status == 1)
            #expect(verify.output.isEmpty)
            #expect(verify.error.hasPrefix("reconcile: cannot open s.store: corrupted at offset "))
            // The other commands refuse the file with status 2.
            #expect(try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory).status == 2)
        }
    }

    @Test func importRepairsChainsRootsAndDuplicatesAndKeepsDeletedRows() async throws {
        try await withTemporaryDirectory { directory in
            try Data(Self.messyTable.utf8).write(to: directory.appendingPathComponent("export.jsonl"))
            let result = try ReconcileProcess.run(["import", "--store", "s.store", "export.jsonl"], in: directory)
            #expect(result.status == 0)
            #expect(
                result.lines == [
                    "imported 9 row(s) (2 soft-deleted) in 3 group(s)",
                    "flattened 1 chained link(s): 4",
                    "re-rooted 1 group(s) on their oldest row: 10 → 11",
                    "merged 1 duplicate primary(ies) into older groups: 21",
                    "added 1 link(s) to keep groups together that share no value",
                    "relinked 4 row(s): 4, 10, 11, 21",
                ])
            let contacts = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            // The rows, then the link the repair added: row 4 shares no value with the rest of its group.
            #expect(contacts.lines.count == 10)
            #expect(contacts.lines.last?.hasPrefix(#"{"link":{"email":""#) == true)
            let links = try contacts.lines.dropLast().map { line -> String in
                let row = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let linked = (row["linkedId"] as? Int).map(String.init) ?? "-"
                return
                    "\(row["id"]!) \(linked) \(row["linkPrecedence"]!) \(row["deletedAt"] is NSNull ? "live" : "deleted")"
            }
            #expect(
                links == [
                    "2 - primary live", "3 2 secondary live", "4 2 secondary live", "10 11 secondary live",
                    "11 - primary live", "20 - primary live", "21 20 secondary live", "30 - primary deleted",
                    "31 30 secondary deleted",
                ])
            // Timestamps and values are kept exactly.
            let exported = Self.messyTable.split(separator: "\n").map(String.init)
            #expect(contacts.lines[5] == exported[5])
            #expect(contacts.lines[7] == exported[7] && contacts.lines[8] == exported[8])
            // Deleted rows never match; later identifies continue after the largest id.
            let doc = try ReconcileProcess.run(
                ["identify", "--store", "s.store", "--email", "doc@hillvalley.edu"], in: directory)
            #expect(doc.lines == [Self.response(32, ["doc@hillvalley.edu"], [], [])])
            let marty = try ReconcileProcess.run(["show", "--store", "s.store", "--phone", "555"], in: directory)
            #expect(
                marty.lines == [
                    Self.response(
                        2, ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu", "marty@hillvalley.edu"],
                        ["123456", "555"], [3, 4])
                ])
            #expect(try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory).status == 0)
        }
    }

    @Test func importFromCSVOnStandardInput() async throws {
        try await withTemporaryDirectory { directory in
            let csv = """
                id,phone_number,email,linked_id,link_precedence,created_at,updated_at,deleted_at
                1,123456,lorraine@hillvalley.edu,,primary,2023-04-01 00:00:00.374+00,2023-04-01 00:00:00.374+00,
                23,123456,mcfly@hillvalley.edu,1,secondary,2023-04-20 05:30:00.11+00,2023-04-20 05:30:00.11+00,

                """
            let result = try ReconcileProcess.run(["import", "--store", "s.store"], input: csv, in: directory)
            #expect(result.status == 0)
            #expect(result.lines == ["imported 2 row(s) (0 soft-deleted) in 1 group(s)", "nothing needed repair"])
            let next = try ReconcileProcess.run(
                ["identify", "--store", "s.store", "--email", "doc@hillvalley.edu", "--phone", "123456"], in: directory)
            #expect(
                next.lines == [
                    Self.response(
                        1, ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu", "doc@hillvalley.edu"], ["123456"],
                        [23, 24])
                ])
        }
    }

    /// Broken exports: each is refused with the right line number, and nothing is imported.
    @Test(arguments: [
        (
            "linked to a missing id", 3, #"{"id":7,"linkedId":99,"linkPrecedence":"secondary","#,
            "line 3: contact 7: linkedId 99 names no row of the table"
        ),
        (
            "duplicate id", 3, #"{"id":1,"linkedId":null,"linkPrecedence":"primary","#,
            "line 3: contact 1: id is also used on line 1"
        ),
        (
            "non-positive id", 3, #"{"id":0,"linkedId":null,"linkPrecedence":"primary","#,
            "line 3: contact 0: id is not in 1..<Int.max"
        ),
        (
            "unparseable line", 3, #"{"id":7,"linkedId":null,"linkPrecedence":"primary""#,
            "line 3: invalid JSON at byte 50: expected ',' or '}', found the end of the line"
        ),
        (
            "bad timestamp", 3, #"{"id":7,"linkedId":null,"linkPrecedence":"primary","createdAt":"soon","#,
            "line 3: createdAt is not an ISO 8601 timestamp: \"soon\""
        ),
    ])
    func brokenExportsAreRefused(name: String, line: Int, start: String, message: String) async throws {
        try await withTemporaryDirectory { directory in
            let good = #""createdAt":"2023-04-01T00:00:00.000Z","updatedAt":"2023-04-01T00:00:00.000Z"}"#
            var lines = [
                #"{"id":1,"linkedId":null,"linkPrecedence":"primary","email":"a@x.io","# + good,
                "",
                start.hasSuffix(",") ? start + good : start,
                #"{"id":8,"linkedId":1,"linkPrecedence":"secondary","email":"b@x.io","# + good,
            ]
            if start.contains("\"createdAt\"") { lines[2] = start + #""updatedAt":"2023-04-01T00:00:00.000Z"}"# }
            try Data(lines.joined(separator: "\n").utf8).write(to: directory.appendingPathComponent("broken.jsonl"))
            let result = try ReconcileProcess.run(["import", "--store", "s.store", "broken.jsonl"], in: directory)
            #expect(result.status == 1, "\(name)")
            #expect(result.output.isEmpty)
            #expect(result.error == "reconcile: \(message)\nreconcile: nothing was imported\n", "\(name)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("s.store").path))
        }
    }

    @Test func importNeedsAnEmptyStore() async throws {
        try await withTemporaryDirectory { directory in
            _ = try ReconcileProcess.run(["identify", "--store", "s.store", "--phone", "1"], in: directory)
            let before = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            let result = try ReconcileProcess.run(
                ["import", "--store", "s.store"], input: Self.messyTable, in: directory)
            #expect(result.status == 2)
            #expect(result.error.contains("the store already holds contacts"))
            #expect(
                try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory).output == before.output)
        }
    }

    @Test func contactsImportContactsRoundTrip() async throws {
        try await withTemporaryDirectory { directory in
            // A store with merges, then deleted rows from an import of the messy table.
            _ = try ReconcileProcess.run(["import", "--store", "a.store"], input: Self.messyTable, in: directory)
            let requests =
                (1...300).map { #"{"email":"p\#($0 % 40)@x.io","phoneNumber":"\#($0 % 70)"}"# }
                .joined(separator: "\n") + "\n" + #"{"email":"George@hillvalley.edu","phoneNumber":"717171"}"#
            _ = try ReconcileProcess.run(["identify", "--store", "a.store"], input: requests, in: directory)
            let exported = try ReconcileProcess.run(["contacts", "--store", "a.store"], in: directory)
            #expect(exported.lines.count > 40)
            try exported.output.write(to: directory.appendingPathComponent("export.jsonl"))
            let imported = try ReconcileProcess.run(["import", "--store", "b.store", "export.jsonl"], in: directory)
            #expect(imported.status == 0)
            #expect(imported.lines.last == "nothing needed repair")
            let again = try ReconcileProcess.run(["contacts", "--store", "b.store"], in: directory)
            #expect(again.output == exported.output)
        }
    }
}
