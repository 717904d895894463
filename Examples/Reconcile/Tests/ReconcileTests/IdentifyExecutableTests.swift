import Foundation
import Testing

/// `reconcile identify`, run as a subprocess with an in-memory store.
@Suite("reconcile identify (executable)")
struct IdentifyExecutableTests {
    static func response(_ primary: Int, _ emails: [String], _ phones: [String], _ secondaries: [Int]) -> String {
        let quoted = { (values: [String]) in values.map { "\"\($0)\"" }.joined(separator: ",") }
        return
            #"{"contact":{"primaryContatctId":\#(primary),"emails":[\#(quoted(emails))],"phoneNumbers":[\#(quoted(phones))],"secondaryContactIds":[\#(secondaries.map(String.init).joined(separator: ","))]}}"#
    }

    @Test func officialExamplesThroughStandardInput() async throws {
        try await withTemporaryDirectory { directory in
            let input = """
                {"email":"lorraine@hillvalley.edu","phoneNumber":"123456"}
                {"email":"mcfly@hillvalley.edu","phoneNumber":"123456"}
                {"email":null,"phoneNumber":"123456"}
                {"email":"lorraine@hillvalley.edu","phoneNumber":null}
                {"email":"mcfly@hillvalley.edu"}
                {"email":"george@hillvalley.edu","phoneNumber":"919191"}
                {"email":"biffsucks@hillvalley.edu","phoneNumber":717171}
                {"email":"george@hillvalley.edu","phoneNumber":"717171"}

                """
            let result = try ReconcileProcess.run(["identify"], input: input, in: directory)
            let linked = Self.response(1, ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"], ["123456"], [2])
            #expect(
                result.lines == [
                    Self.response(1, ["lorraine@hillvalley.edu"], ["123456"], []),
                    linked, linked, linked, linked,
                    Self.response(3, ["george@hillvalley.edu"], ["919191"], []),
                    Self.response(4, ["biffsucks@hillvalley.edu"], ["717171"], []),
                    Self.response(
                        3, ["george@hillvalley.edu", "biffsucks@hillvalley.edu"], ["919191", "717171"], [4]),
                ])
            #expect(result.status == 0)
            #expect(result.error == "")
        }
    }

    @Test func badLinesGetErrorLinesAndWriteNothing() async throws {
        try await withTemporaryDirectory { directory in
            var input = Data()
            let lines: [Data] = [
                Data(#"{"email":"doc@hillvalley.edu","phoneNumber":"1985"}"#.utf8),  // 1
                Data(#"{"email":"doc@hillvalley.edu""#.utf8),  // 2: malformed JSON
                Data("{}".utf8),  // 3: neither field
                Data(#"{"email":null,"phoneNumber":"  "}"#.utf8),  // 4: blank counts as absent
                Data(#"{"email":"not-an-email","phoneNumber":"1985"}"#.utf8),  // 5: invalid email
                Data((#"{"email":""# + String(repeating: "a", count: 100_000) + #"@x.io"}"#).utf8),  // 6: 100 kB email
                Data(#"{"email":"marty"#.utf8) + Data([0xC3, 0x28]) + Data(#"@hillvalley.edu"}"#.utf8),  // 7: bad UTF-8
                Data(#"[{"email":"doc@hillvalley.edu"}]"#.utf8),  // 8: an array
                Data(#"{"email":"doc@hillvalley.edu","phoneNumber":true}"#.utf8),  // 9: wrong type
                Data(),  // 10: empty line
                Data(#"{"email":"jennifer@hillvalley.edu"}"#.utf8),  // 11: a new person
            ]
            for line in lines { input += line + Data("\n".utf8) }
            let result = try ReconcileProcess.run(["identify"], input: input, in: directory)
            let errors = result.lines.map { line -> String? in
                guard line.hasPrefix(#"{"error":"#) else { return nil }
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: Any]]
                guard let error = object?["error"], let number = error["line"] as? Int,
                    let code = error["code"] as? String
                else { return "unreadable: \(line)" }
                return "\(number) \(code)"
            }
            #expect(
                errors == [
                    nil, "2 invalid_json", "3 missing_email_and_phone_number", "4 missing_email_and_phone_number",
                    "5 invalid_email", "6 invalid_email", "7 invalid_email", "8 invalid_request", "9 invalid_request",
                    "10 invalid_json", nil,
                ])
            #expect(result.lines[5].contains(#""message":"email is longer than the limit of 254""#))
            #expect(result.lines[6].contains(#""message":"email is not valid UTF-8""#))
            // No bad line wrote a row: the new person gets id 2.
            #expect(result.lines[10] == Self.response(2, ["jennifer@hillvalley.edu"], [], []))
            #expect(result.status == 1)
        }
    }

    /// The hostile inputs of issue 18: each line gets the library's error, naming the field.
    @Test func hostileLinesGetTheDecodersErrors() async throws {
        try await withTemporaryDirectory { directory in
            let lines: [(Data, String)] = [
                (Data(#"{"phoneNumber":123456}"#.utf8), ""),
                (
                    Data(#"{"phoneNumber":-123456}"#.utf8),
                    #"{"error":{"line":2,"code":"invalid_phone_number","message":"phoneNumber must be a non-negative integer written with digits only (no sign, fraction or exponent), not -123456"}}"#
                ),
                (
                    Data(#"{"phoneNumber":1.5e3}"#.utf8),
                    #"{"error":{"line":3,"code":"invalid_phone_number","message":"phoneNumber must be a non-negative integer written with digits only (no sign, fraction or exponent), not 1.5e3"}}"#
                ),
                (
                    Data(#"{"phoneNumber":007}"#.utf8),
                    #"{"error":{"line":4,"code":"invalid_json","message":"invalid JSON at byte 15 (in phoneNumber): leading zeros are not allowed in a JSON number (send such a value as a string)"}}"#
                ),
                (
                    Data(#"{"email":"tc@x.com",}"#.utf8),
                    #"{"error":{"line":5,"code":"invalid_json","message":"invalid JSON at byte 19: a trailing comma before '}' is not allowed"}}"#
                ),
                (
                    Data([0xEF, 0xBB, 0xBF]) + Data(#"{"email":"bom@x.com"}"#.utf8),
                    #"{"error":{"line":6,"code":"invalid_json","message":"invalid JSON at byte 0: the text starts with a UTF-8 byte order mark, which JSON text must not have"}}"#
                ),
                (
                    Data(#"{"phoneNumber":"12"#.utf8) + Data([0xFF]) + Data(#"3"}"#.utf8),
                    #"{"error":{"line":7,"code":"invalid_phone_number","message":"phoneNumber is not valid UTF-8"}}"#
                ),
                (
                    Data(#"{"email":"zw​sp@x.com"}"#.utf8),
                    #"{"error":{"line":8,"code":"invalid_email","message":"email contains the invisible character U+200B"}}"#
                ),
                (Data(#"{"email":"zwsp@x.com"}"#.utf8), ""),
            ]
            let input = lines.reduce(into: Data()) { $0 += $1.0 + Data("\n".utf8) }
            let result = try ReconcileProcess.run(["identify"], input: input, in: directory)
            #expect(result.lines.count == lines.count)
            for (index, (_, expected)) in lines.enumerated() where !expected.isEmpty {
                #expect(result.lines[index] == expected)
            }
            // No refused line wrote a row: the email after them is the second person.
            #expect(result.lines.last == Self.response(2, ["zwsp@x.com"], [], []))
            #expect(result.status == 1)
        }
    }

    @Test func lineEndingsAndTheLastLine() async throws {
        try await withTemporaryDirectory { directory in
            let input = "{\"phoneNumber\":\"1\"}\r\n{\"phoneNumber\":\"2\"}"
            let result = try ReconcileProcess.run(["identify"], input: input, in: directory)
            #expect(result.lines == [Self.response(1, [], ["1"], []), Self.response(2, [], ["2"], [])])
            #expect(result.status == 0)
            let empty = try ReconcileProcess.run(["identify"], input: "", in: directory)
            #expect(empty.output.isEmpty && empty.status == 0)
        }
    }

    @Test func aHugeLineIsAnErrorAndTheRunGoesOn() async throws {
        try await withTemporaryDirectory { directory in
            let huge = #"{"email":""# + String(repeating: "x", count: 2 << 20) + #""}"#
            let input = huge + "\n" + #"{"phoneNumber":"42"}"# + "\n"
            let result = try ReconcileProcess.run(["identify"], input: input, in: directory)
            #expect(result.lines.count == 2)
            #expect(result.lines.first?.hasPrefix(#"{"error":{"line":1,"code":"line_too_long""#) == true)
            #expect(result.lines.last == Self.response(1, [], ["42"], []))
            #expect(result.status == 1)
        }
    }

    @Test func oneRequestFromOptions() async throws {
        try await withTemporaryDirectory { directory in
            let result = try ReconcileProcess.run(
                ["identify", "--email", " Lorraine@HillValley.edu", "--phone", "12-34-56"], in: directory)
            #expect(result.lines == [Self.response(1, ["lorraine@hillvalley.edu"], ["123456"], [])])
            #expect(result.status == 0)
            let exact = try ReconcileProcess.run(
                ["identify", "--policy", "exact", "--email", "Lorraine@HillValley.edu"], in: directory)
            #expect(exact.lines == [Self.response(1, ["Lorraine@HillValley.edu"], [], [])])
            let refused = try ReconcileProcess.run(["identify", "--email", "nope"], in: directory)
            #expect(refused.status == 1)
            #expect(refused.output.isEmpty)
            #expect(refused.error == "reconcile: email has no '@'\n")
        }
    }

    @Test func statsGoToStandardErrorWithoutProgressWhenNotATerminal() async throws {
        try await withTemporaryDirectory { directory in
            let input =
                (1...3000).map { #"{"email":"p\#($0 % 1000)@x.io","phoneNumber":"\#($0 % 1500)"}"# }
                .joined(separator: "\n") + "\nnope\n"
            let result = try ReconcileProcess.run(["identify", "--stats"], input: input, in: directory)
            #expect(result.lines.count == 3001)
            #expect(result.status == 1)
            let stats = result.error
            #expect(stats.hasPrefix("reconcile: requests 3001, rows created "))
            #expect(stats.contains(", errors 1, elapsed "))
            #expect(stats.hasSuffix(" requests/s\n"))
            // One line only: no progress redraws (`\r`) when standard error is a file.
            #expect(!stats.contains("\r") && stats.split(separator: "\n").count == 1)
        }
    }

    @Test func lineBufferedDrivesLikeACoprocess() async throws {
        let tool = try ReconcileCoprocess(["identify", "--line-buffered"])
        var received: [String] = []
        for request in [#"{"phoneNumber":"5"}"#, #"{"email":"a@x.io","phoneNumber":"5"}"#, "oops"] {
            // The next request is written only after the previous answer was read.
            guard let answer = tool.send(request) else { break }
            received.append(answer)
        }
        let status = try tool.finish()
        #expect(
            received == [
                Self.response(1, [], ["5"], []), Self.response(1, ["a@x.io"], ["5"], [2]),
                #"{"error":{"line":3,"code":"invalid_json","message":"invalid JSON at byte 0: expected a value, found 'o'"}}"#,
            ])
        #expect(status == 1)
    }
}
