import Foundation
import Testing

/// `reconcile delete`, `forget`, `erase` and `apply`, and the links in `contacts` and
/// `import`, run as subprocesses.
@Suite("reconcile corrections (executable)")
struct CorrectionExecutableTests {
    static let response = IdentifyExecutableTests.response

    /// The inner object of a response body, as a correction's `contacts` array lists it.
    static func person(_ primary: Int, _ emails: [String], _ phones: [String], _ secondaries: [Int]) -> String {
        String(response(primary, emails, phones, secondaries).dropFirst(#"{"contact":"#.count).dropLast())
    }

    /// A correction's result line.
    static func contacts(_ people: String...) -> String {
        #"{"contacts":["# + people.joined(separator: ",") + "]}"
    }

    /// The issue's example: a junk phone number merges three strangers.
    static let junkPhoneOrders = [
        ("a@x.io", "0000000000"), ("b@x.io", "0000000000"), ("c@x.io", "555"), ("c@x.io", "0000000000"),
    ]

    /// The junk phone number's people, after forgetting it: three again, each its own primary.
    static let threePeople = contacts(
        person(1, ["a@x.io"], [], []), person(2, ["b@x.io"], [], []), person(3, ["c@x.io"], ["555"], []))

    static func identify(_ orders: [(String, String)], store: String, in directory: URL) throws {
        for (email, phone) in orders {
            let result = try ReconcileProcess.run(
                ["identify", "--store", store, "--email", email, "--phone", phone], in: directory)
            try #require(result.status == 0, "\(result.error)")
        }
    }

    // MARK: - delete, forget, erase

    @Test func forgettingAJunkPhoneNumberSplitsThePeopleItMerged() async throws {
        try await withTemporaryDirectory { directory in
            try Self.identify(Self.junkPhoneOrders, store: "s.store", in: directory)
            let merged = try ReconcileProcess.run(["show", "--store", "s.store", "--id", "3"], in: directory)
            #expect(
                merged.lines == [
                    Self.response(1, ["a@x.io", "b@x.io", "c@x.io"], ["0000000000", "555"], [2, 3])
                ])
            let forget = try ReconcileProcess.run(
                ["forget", "--store", "s.store", "--phone", "000-000-0000"], in: directory)
            #expect(forget.lines == [Self.threePeople])
            #expect(forget.status == 0)
            #expect(forget.error == "")
            // Stored: rows 1 and 2 lost the phone number, 3 is its own primary again, the link is gone.
            let rows = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            #expect(rows.lines.count == 3)
            #expect(!rows.outputText.contains("0000000000"))
            #expect(!rows.outputText.contains(#"{"link":"#))
            #expect(rows.lines.allSatisfy { $0.contains(#""linkedId":null,"linkPrecedence":"primary""#) })
            let three = try ReconcileProcess.run(["show", "--store", "s.store", "--id", "3"], in: directory)
            #expect(three.lines == [Self.response(3, ["c@x.io"], ["555"], [])])
            #expect(try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory).status == 0)
            // The value has left the file.
            let bytes = try Data(contentsOf: directory.appendingPathComponent("s.store"))
            #expect(bytes.firstRange(of: Data("0000000000".utf8)) == nil)

            let again = try ReconcileProcess.run(
                ["forget", "--store", "s.store", "--phone", "0000000000"], in: directory)
            #expect(again.status == 1)
            #expect(again.output.isEmpty)
            #expect(
                again.error == "reconcile: phone_number_not_found: no contact holds the phone number \"0000000000\"\n")
            let unknownEmail = try ReconcileProcess.run(
                ["forget", "--store", "s.store", "--email", "Nobody@X.io"], in: directory)
            #expect(unknownEmail.status == 1)
            #expect(unknownEmail.error == "reconcile: email_not_found: no contact holds the email \"nobody@x.io\"\n")
            let refused = try ReconcileProcess.run(["forget", "--store", "s.store", "--email", "nope"], in: directory)
            #expect(refused.status == 1)
            #expect(refused.error == "reconcile: invalid_email: email has no '@'\n")
            let email = try ReconcileProcess.run(["forget", "--store", "s.store", "--email", "A@x.io"], in: directory)
            // Row 1 held only the email: it is deleted, and no person is left in its group.
            #expect(email.lines == [Self.contacts()])
            #expect(
                try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory).lines.first?.contains(
                    #""email":null"#) == true)
        }
    }

    @Test func deleteSplitsAndPromotesTheOldestRemainingRow() async throws {
        try await withTemporaryDirectory { directory in
            try Self.identify(
                [("a@x.io", "111"), ("b@x.io", "111"), ("b@x.io", "222"), ("c@x.io", "111")], store: "s.store",
                in: directory)
            let before = try ReconcileProcess.run(["show", "--store", "s.store", "--id", "1"], in: directory)
            #expect(before.lines == [Self.response(1, ["a@x.io", "b@x.io", "c@x.io"], ["111", "222"], [2, 3, 4])])
            // Without row 1, 111 still joins 2 and 4, and b@x.io joins 2 and 3: one person, primary 2.
            let delete = try ReconcileProcess.run(["delete", "--store", "s.store", "--id", "1"], in: directory)
            #expect(delete.lines == [Self.contacts(Self.person(2, ["b@x.io", "c@x.io"], ["111", "222"], [3, 4]))])
            #expect(delete.status == 0)
            // Without row 2, 3 (b@x.io, 222) and 4 (c@x.io, 111) share nothing: two people.
            let split = try ReconcileProcess.run(["delete", "--store", "s.store", "--id", "2"], in: directory)
            #expect(
                split.lines == [
                    Self.contacts(Self.person(3, ["b@x.io"], ["222"], []), Self.person(4, ["c@x.io"], ["111"], []))
                ])
            // A soft delete keeps the row's values.
            let rows = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            #expect(rows.lines[0].contains(#""phoneNumber":"111","email":"a@x.io""#))
            #expect(!rows.lines[0].contains(#""deletedAt":null"#))
            for id in ["2", "99"] {
                let missing = try ReconcileProcess.run(["delete", "--store", "s.store", "--id", id], in: directory)
                #expect(missing.status == 1)
                #expect(missing.output.isEmpty)
                #expect(missing.error == "reconcile: contact_not_found: no live contact has id \(id)\n")
            }
            #expect(try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory).output == rows.output)
            #expect(try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory).status == 0)
        }
    }

    @Test func eraseLeavesTombstonesAndNoErasedBytes() async throws {
        try await withTemporaryDirectory { directory in
            try Self.identify(
                [("doc@hillvalley.edu", "1985"), ("emmett@hillvalley.edu", "1985"), ("biff@hillvalley.edu", "717171")],
                store: "s.store", in: directory)
            let erase = try ReconcileProcess.run(["erase", "--store", "s.store", "--id", "2"], in: directory)
            #expect(erase.lines == [Self.contacts()])
            #expect(erase.status == 0)
            let rows = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            #expect(rows.lines.count == 3)
            for line in rows.lines.prefix(2) {
                #expect(line.contains(#""phoneNumber":null,"email":null"#))
                #expect(!line.contains(#""deletedAt":null"#))
            }
            #expect(rows.lines[2].contains(#""phoneNumber":"717171","email":"biff@hillvalley.edu""#))
            let bytes = try Data(contentsOf: directory.appendingPathComponent("s.store"))
            for erased in ["doc@hillvalley.edu", "emmett@hillvalley.edu", "1985"] {
                #expect(bytes.firstRange(of: Data(erased.utf8)) == nil, "\(erased)")
            }
            // Ids are never reused.
            let next = try ReconcileProcess.run(
                ["identify", "--store", "s.store", "--email", "doc@hillvalley.edu"], in: directory)
            #expect(next.lines == [Self.response(4, ["doc@hillvalley.edu"], [], [])])
            let again = try ReconcileProcess.run(["erase", "--store", "s.store", "--id", "1"], in: directory)
            #expect(again.status == 1)
            #expect(again.output.isEmpty)
            #expect(again.error == "reconcile: contact_not_found: no live contact has id 1\n")
            #expect(try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory).status == 0)
        }
    }

    @Test(arguments: [["delete", "--id", "1"], ["forget", "--email", "a@x.io"], ["erase", "--id", "1"]])
    func correctionsNeedAnExistingStore(arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let result = try ReconcileProcess.run(
                [arguments[0], "--store", "nothing.store"] + arguments.dropFirst(), in: directory)
            #expect(result.status == 2)
            #expect(result.error == "reconcile: no store at nothing.store\n")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("nothing.store").path))
        }
    }

    // MARK: - apply

    @Test func applyRunsTheIssueExampleInMemory() async throws {
        try await withTemporaryDirectory { directory in
            // The issue's literal values, which only the exact policy accepts as emails.
            let input = """
                {"email":"a@x","phoneNumber":"0000000000"}
                {"op":"identify","email":"b@x","phoneNumber":"0000000000"}
                {"email":"c@x","phoneNumber":555}
                {"op":"identify","email":"c@x","phoneNumber":"0000000000"}
                {"op":"forget","phoneNumber":"0000000000"}

                """
            let result = try ReconcileProcess.run(["apply", "--policy", "exact"], input: input, in: directory)
            #expect(
                result.lines == [
                    Self.response(1, ["a@x"], ["0000000000"], []),
                    Self.response(1, ["a@x", "b@x"], ["0000000000"], [2]),
                    Self.response(3, ["c@x"], ["555"], []),
                    Self.response(1, ["a@x", "b@x", "c@x"], ["0000000000", "555"], [2, 3]),
                    Self.contacts(
                        Self.person(1, ["a@x"], [], []), Self.person(2, ["b@x"], [], []),
                        Self.person(3, ["c@x"], ["555"], [])),
                ])
            #expect(result.status == 0)
            #expect(result.error == "")
        }
    }

    /// Identifies and corrections mixed with bad lines and not-found errors: one line out per
    /// line in, a failed line writes nothing, and the run goes on.
    static let mixedStream = [
        #"{"email":"a@x.io","phoneNumber":"0000000000"}"#,  // 1
        #"{"op":"identify","email":"b@x.io","phoneNumber":"0000000000"}"#,  // 2
        #"{"email":"c@x.io","phoneNumber":555}"#,  // 3
        #"{"email":"c@x.io","phoneNumber":"0000000000"}"#,  // 4: merges 3 into 1
        #"{"op":"delete","id":9}"#,  // 5: not found
        #"{"op":"forget","phoneNumber":"0000000000"}"#,  // 6: three people again
        #"{"op":"forget","phoneNumber":"0000000000"}"#,  // 7: not found any more
        #"{"op":"forget","email":"zz@x.io"}"#,  // 8: not found
        #"{"op":"erase","id":3}"#,  // 9
        #"{"op":"erase","id":3}"#,  // 10: already erased
        #"{"op":"forget","email":"a@x.io","phoneNumber":"1"}"#,  // 11: two values
        #"{"op":"frobnicate","id":1}"#,  // 12: unknown op
        #"{"op":"delete","id":"2"}"#,  // 13: id as a string
        #"{"op":"delete","email":"b@x.io"}"#,  // 14: delete by email
        #"{"op":"forget","id":1}"#,  // 15: forget by id
        #"{"op":"erase"}"#,  // 16: no id
        #"{"op":"forget","email":"nope"}"#,  // 17: refused by the policy
        #"{"op":4}"#,  // 18: op not a string
        "nope",  // 19: not JSON
        "",  // 20: empty
        #"{"op":"delete","id":2}"#,  // 21
        #"{"email":"d@x.io","phoneNumber":"555"}"#,  // 22: no bad line wrote a row: the next id is 4
    ]

    @Test(arguments: [[], ["--store", "s.store"], ["--store", "s.store", "--durability", "deferred"]])
    func applyAnswersEveryLineAndBadLinesWriteNothing(storeArguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let input = Self.mixedStream.joined(separator: "\n") + "\n"
            let result = try ReconcileProcess.run(["apply"] + storeArguments, input: input, in: directory)
            let error = { (line: Int, code: String, message: String) in
                #"{"error":{"line":\#(line),"code":"\#(code)","message":"\#(message)"}}"#
            }
            #expect(
                result.lines == [
                    Self.response(1, ["a@x.io"], ["0000000000"], []),
                    Self.response(1, ["a@x.io", "b@x.io"], ["0000000000"], [2]),
                    Self.response(3, ["c@x.io"], ["555"], []),
                    Self.response(1, ["a@x.io", "b@x.io", "c@x.io"], ["0000000000", "555"], [2, 3]),
                    error(5, "contact_not_found", "no live contact has id 9"),
                    Self.threePeople,
                    error(7, "phone_number_not_found", #"no contact holds the phone number \"0000000000\""#),
                    error(8, "email_not_found", #"no contact holds the email \"zz@x.io\""#),
                    Self.contacts(),
                    error(10, "contact_not_found", "no live contact has id 3"),
                    error(11, "invalid_request", "forget needs exactly one of email and phoneNumber"),
                    error(
                        12, "invalid_request",
                        #"op must be one of identify, delete, forget, erase, not \"frobnicate\""#),
                    error(13, "invalid_request", "id must be an integer, not string"),
                    error(14, "invalid_request", "delete takes an id, not an email or a phoneNumber"),
                    error(15, "invalid_request", "forget takes an email or a phoneNumber, not an id"),
                    error(16, "invalid_request", "erase needs an id"),
                    error(17, "invalid_email", "email has no '@'"),
                    error(18, "invalid_request", "op must be a string, not number"),
                    error(19, "invalid_json", "invalid JSON at byte 0: expected 'null'"),
                    error(20, "invalid_json", "invalid JSON at byte 0: expected a JSON object, found an empty line"),
                    Self.contacts(),
                    Self.response(4, ["d@x.io"], ["555"], []),
                ])
            #expect(result.status == 1)
            #expect(result.error == "")
            guard !storeArguments.isEmpty else { return }
            // The store holds what the lines did: the erasure of 3, the deletion of 2, row 4.
            let rows = try ReconcileProcess.run(["contacts", "--store", "s.store"], in: directory)
            #expect(rows.lines.count == 4)
            #expect(rows.lines[2].contains(#""phoneNumber":null,"email":null"#))
            #expect(try ReconcileProcess.run(["verify", "--store", "s.store"], in: directory).status == 0)
        }
    }

    @Test func applyWithoutErrorsExitsWith0AndDrivesLineByLine() async throws {
        let tool = try ReconcileCoprocess(["apply", "--line-buffered"])
        var received: [String] = []
        for line in [#"{"email":"a@x.io","phoneNumber":"5"}"#, #"{"op":"erase","id":1}"#] {
            guard let answer = tool.send(line) else { break }
            received.append(answer)
        }
        #expect(try tool.finish() == 0)
        #expect(received == [Self.response(1, ["a@x.io"], ["5"], []), Self.contacts()])
    }

    // MARK: - Links in contacts and import

    @Test func contactsExportsLinksAndImportKeepsThem() async throws {
        try await withTemporaryDirectory { directory in
            try Self.identify(Self.junkPhoneOrders, store: "a.store", in: directory)
            let exported = try ReconcileProcess.run(["contacts", "--store", "a.store"], in: directory)
            #expect(exported.lines.count == 4)
            let link = try #require(exported.lines.last)
            #expect(
                link.wholeMatch(
                    of:
                        #/\{"link":\{"email":"c@x\.io","phoneNumber":"0000000000","createdAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"\}\}/#
                ) != nil, "\(link)")
            // The merge recorded the link at the time of the fourth order, which updated row 3.
            #expect(exported.lines[2].contains(#""updatedAt":"\#(link.dropLast(3).suffix(24))""#))
            try exported.output.write(to: directory.appendingPathComponent("export.jsonl"))
            let imported = try ReconcileProcess.run(["import", "--store", "b.store", "export.jsonl"], in: directory)
            #expect(imported.lines == ["imported 3 row(s) (0 soft-deleted) in 1 group(s)", "nothing needed repair"])
            #expect(
                try ReconcileProcess.run(["contacts", "--store", "b.store"], in: directory).output == exported.output)
            // Later splits behave the same in the imported store.
            for store in ["a.store", "b.store"] {
                let forget = try ReconcileProcess.run(
                    ["forget", "--store", store, "--phone", "0000000000"], in: directory)
                #expect(forget.lines == [Self.threePeople], "\(store)")
            }
        }
    }

    @Test func importWithoutLinksAddsThemAndDropsDanglingOnes() async throws {
        try await withTemporaryDirectory { directory in
            try Self.identify(Self.junkPhoneOrders, store: "a.store", in: directory)
            let exported = try ReconcileProcess.run(["contacts", "--store", "a.store"], in: directory)
            let rows = exported.lines.filter { !$0.hasPrefix(#"{"link":"#) }
            let dangling =
                #"{"link":{"email":"gone@x.io","phoneNumber":"0000000000","createdAt":"2023-01-01T00:00:00Z"}}"#
            let withoutLinks = try ReconcileProcess.run(
                ["import", "--store", "b.store"], input: (rows + [dangling]).joined(separator: "\n"), in: directory)
            #expect(withoutLinks.status == 0)
            #expect(
                withoutLinks.lines == [
                    "imported 3 row(s) (0 soft-deleted) in 1 group(s)",
                    "added 1 link(s) to keep groups together that share no value",
                    "dropped 1 link(s) whose values no live row holds",
                ])
            let relinked = try ReconcileProcess.run(["contacts", "--store", "b.store"], in: directory)
            #expect(relinked.lines.dropLast() == rows[...])
            #expect(relinked.lines.last?.hasPrefix(#"{"link":{"email":"#) == true)
            // The made-up link ({a@x.io, 555}: the primary's email and the phone number row 3 adds)
            // is not the one the merge recorded ({c@x.io, 0000000000}): after the junk value is
            // forgotten it still joins rows 1 and 3. That is why `contacts` exports the links.
            let forget = try ReconcileProcess.run(
                ["forget", "--store", "b.store", "--phone", "0000000000"], in: directory)
            #expect(
                forget.lines == [
                    Self.contacts(
                        Self.person(1, ["a@x.io", "c@x.io"], ["555"], [3]), Self.person(2, ["b@x.io"], [], []))
                ])
        }
    }

    @Test func badLinkLinesAreRefusedWithTheirLineNumbers() async throws {
        try await withTemporaryDirectory { directory in
            let row =
                #"{"id":1,"email":"a@x.io","linkedId":null,"linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00.000Z","updatedAt":"2023-04-01T00:00:00.000Z"}"#
            let input = [
                row,
                #"{"link":{"email":"a@x.io","createdAt":"2023-04-01T00:00:00.000Z"}}"#,
                #"{"link":"a@x.io"}"#,
                #"{"link":{"email":"a@x.io","phoneNumber":"1","createdAt":"later"}}"#,
            ].joined(separator: "\n")
            let result = try ReconcileProcess.run(["import", "--store", "s.store"], input: input, in: directory)
            #expect(result.status == 1)
            #expect(
                result.error == """
                    reconcile: line 2: the link has no phoneNumber
                    reconcile: line 3: link must be an object, not string
                    reconcile: line 4: createdAt is not an ISO 8601 timestamp: "later"
                    reconcile: nothing was imported

                    """)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("s.store").path))
        }
    }
}
