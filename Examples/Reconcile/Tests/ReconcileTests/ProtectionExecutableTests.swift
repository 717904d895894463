import Foundation
import Testing

/// `reconcile identify` and `apply` with blocked values and group limits.
@Suite("reconcile protection flags (executable)")
struct ProtectionExecutableTests {
    static let response = IdentifyExecutableTests.response

    /// Twenty customers sharing `0000000000`, one line each.
    static let superCluster = (1...20).map { #"{"email":"customer\#($0)@shop.io","phoneNumber":"0000000000"}"# + "\n" }
        .joined()

    @Test func presetKeepsTheSuperClusterApart() async throws {
        try await withTemporaryDirectory { directory in
            let protected = try ReconcileProcess.run(
                ["identify", "--block-preset", "common", "--stats"], input: Self.superCluster, in: directory)
            #expect(protected.lines == (1...20).map { Self.response($0, ["customer\($0)@shop.io"], [], []) })
            #expect(protected.status == 0)
            #expect(
                protected.error.contains("rows created 20, merges 0, errors 0, blocked values 20, dropped values 0"))
            let plain = try ReconcileProcess.run(["identify"], input: Self.superCluster, in: directory)
            #expect(
                plain.lines.last
                    == Self.response(1, (1...20).map { "customer\($0)@shop.io" }, ["0000000000"], Array(2...20)))
        }
    }

    @Test func explainIgnoredAddsAMemberNextToContact() async throws {
        try await withTemporaryDirectory { directory in
            let result = try ReconcileProcess.run(
                [
                    "identify", "--block-preset", "common", "--explain-ignored", "--email", "a@x.io", "--phone",
                    "000-000",
                ],
                input: "", in: directory)
            #expect(
                result.lines == [
                    #"{"contact":{"primaryContatctId":1,"emails":["a@x.io"],"phoneNumbers":[],"secondaryContactIds":[]},"ignored":[{"field":"phoneNumber","value":"000000","reason":"matches the blocking rule \"repeated digit\""}]}"#
                ])
            // Without the flag the answer is the task's exact format.
            let plain = try ReconcileProcess.run(
                ["identify", "--block-preset", "common", "--email", "a@x.io", "--phone", "000-000"], input: "",
                in: directory)
            #expect(plain.lines == [Self.response(1, ["a@x.io"], [], [])])
        }
    }

    @Test func limitsDropTheLowerPriorityField() async throws {
        try await withTemporaryDirectory { directory in
            let input = """
                {"email":"lorraine@hillvalley.edu","phoneNumber":"123456"}
                {"email":"mcfly@hillvalley.edu","phoneNumber":"123456"}

                """
            let byEmail = try ReconcileProcess.run(
                ["identify", "--max-emails", "1", "--stats"], input: input, in: directory)
            #expect(byEmail.lines[1] == Self.response(2, ["mcfly@hillvalley.edu"], [], []))
            #expect(byEmail.error.contains("blocked values 0, dropped values 1"))
            let byPhone = try ReconcileProcess.run(
                ["apply", "--max-emails", "1", "--priority", "phoneNumber", "--explain-ignored"], input: input,
                in: directory)
            #expect(
                byPhone.lines[1].hasPrefix(Self.response(1, ["lorraine@hillvalley.edu"], ["123456"], []).dropLast()))
            #expect(byPhone.lines[1].contains(#""ignored":[{"field":"email","value":"mcfly@hillvalley.edu""#))
        }
    }

    @Test func blockedValuesFromOptionsAndFile() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("blocked.txt")
            try "# the shop's own values\nphoneNumber:+1 555 0100\n\nemail:Front@Shop.io\n".write(
                to: file, atomically: true, encoding: .utf8)
            let input = """
                {"email":"front@shop.io","phoneNumber":"1"}
                {"email":"jane@shop.io","phoneNumber":"+15550100"}
                {"email":"desk@shop.io","phoneNumber":"2"}
                {"email":"staff@shop.io","phoneNumber":"3"}
                {"op":"identify","email":"staff@shop.io","phoneNumber":"+1 (555) 0100"}

                """
            let result = try ReconcileProcess.run(
                ["apply", "--block-file", file.path, "--block-email", "desk@shop.io", "--block-phone", "3"],
                input: input, in: directory)
            #expect(
                result.lines == [
                    Self.response(1, [], ["1"], []), Self.response(2, ["jane@shop.io"], [], []),
                    Self.response(3, [], ["2"], []), Self.response(4, ["staff@shop.io"], [], []),
                    Self.response(4, ["staff@shop.io"], [], []),
                ])
            #expect(result.status == 0)
        }
    }

    @Test func everyValueBlockedIsAnErrorLine() async throws {
        try await withTemporaryDirectory { directory in
            let result = try ReconcileProcess.run(
                ["identify", "--block-preset", "common"], input: #"{"email":"null","phoneNumber":"0000000000"}"# + "\n",
                in: directory)
            #expect(
                result.lines == [
                    #"{"error":{"line":1,"code":"blocked_value","message":"email \"null\" is a blocked value and phoneNumber \"0000000000\" matches the blocking rule \"repeated digit\", and the request has no other value"}}"#
                ])
            #expect(result.status == 1)
        }
    }

    @Test func badOptionsAreUsageErrors() async throws {
        try await withTemporaryDirectory { directory in
            let zero = try ReconcileProcess.run(["identify", "--max-emails", "0"], input: "", in: directory)
            #expect(zero.status == 64 || zero.status == 2)
            #expect(zero.error.contains("--max-emails: the limit of emails per person must be at least 1, not 0"))
            let file = directory.appendingPathComponent("blocked.txt")
            try "email:a@x.io\nfax:123\n".write(to: file, atomically: true, encoding: .utf8)
            let badFile = try ReconcileProcess.run(["identify", "--block-file", file.path], input: "", in: directory)
            #expect(badFile.error.contains("line 2: expected 'email:VALUE' or 'phoneNumber:VALUE'"))
            #expect(badFile.status != 0)
            let priority = try ReconcileProcess.run(["identify", "--priority", "fax"], input: "", in: directory)
            #expect(priority.status != 0)
        }
    }
}
