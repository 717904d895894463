import Hummingbird
import HummingbirdTesting
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

/// `POST /identify` under a ``GraphProtection`` (the `--block-*`, `--max-*` and `--priority`
/// flags): the same wire format, values ignored or dropped, and a 400 when nothing is left.
@Suite("POST /identify with protection")
struct ProtectionRouteTests {
    /// The body of a person of one row holding `email` alone.
    static func singleEmail(_ id: Int, _ email: String) -> String {
        #"{"contact":{"primaryContatctId":\#(id),"emails":["\#(email)"],"phoneNumbers":[],"secondaryContactIds":[]}}"#
    }

    @Test("with the common preset, twenty customers sharing 0000000000 stay twenty people")
    func superClusterWithPreset() async throws {
        let server = TestServer(protection: GraphProtection(blockedValues: .common))
        try await server.run { client in
            for customer in 1...20 {
                let answer = try await client.identify(email: "customer\(customer)@shop.io", phoneNumber: "0000000000")
                #expect(answer == Self.singleEmail(customer, "customer\(customer)@shop.io"))
            }
        }
        let rows = try await InvariantChecker.check(store: server.store)
        #expect(rows.count == 20)
        #expect(rows.allSatisfy { $0.linkPrecedence == .primary && $0.phoneNumber == nil })
    }

    @Test("without protection the same twenty customers become one person")
    func superClusterWithoutPreset() async throws {
        let server = TestServer()
        let last = try await server.run { client in
            for customer in 1...19 {
                _ = try await client.identify(email: "customer\(customer)@shop.io", phoneNumber: "0000000000")
            }
            return try await client.identify(email: "customer20@shop.io", phoneNumber: "0000000000")
        }
        #expect(last.hasPrefix(#"{"contact":{"primaryContatctId":1,"#))
        #expect(
            last.hasSuffix(
                #""phoneNumbers":["0000000000"],"secondaryContactIds":[\#((2...20).map(String.init).joined(separator: ","))]}}"#
            ))
        #expect(try await InvariantChecker.check(store: server.store).count == 20)
    }

    @Test(
        "a request whose every value is blocked is a 400 blocked_value naming the field; nothing is written",
        arguments: [
            (
                #"{"email":"null","phoneNumber":"0000000000"}"#, "email",
                #"email "null" is a blocked value and phoneNumber "0000000000" matches the blocking rule "repeated digit", and the request has no other value"#
            ),
            (
                #"{"email":null,"phoneNumber":"111-111-1111"}"#, "phoneNumber",
                #"phoneNumber "1111111111" matches the blocking rule "repeated digit", and the request has no other value"#
            ),
            (
                #"{"email":"desk@shop.io"}"#, "email",
                #"email "desk@shop.io" is a blocked value, and the request has no other value"#
            ),
        ])
    func blockedOnly(body: String, field: String, message: String) async throws {
        var blocked = BlockedValues.common
        blocked.emails.insert("Desk@Shop.io")
        let server = TestServer(protection: GraphProtection(blockedValues: blocked))
        try await server.run { client in
            let response = try await client.identify(body)
            #expect(response.status == .badRequest)
            #expect(response.error == ErrorBody.Detail(code: "blocked_value", message: message, field: field))
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        }
        #expect(try await InvariantChecker.check(store: server.store).isEmpty)
    }

    @Test(
        "a merge over the phone-number limit drops the lower-priority field; the answer is the kept value's person",
        arguments: [
            (
                ContactField.email,
                #"{"contact":{"primaryContatctId":1,"emails":["a@shop.io"],"phoneNumbers":["111111"],"secondaryContactIds":[]}}"#
            ),
            (
                ContactField.phoneNumber,
                #"{"contact":{"primaryContatctId":2,"emails":["b@shop.io"],"phoneNumbers":["222222"],"secondaryContactIds":[]}}"#
            ),
        ])
    func mergeOverLimit(priority: ContactField, expected: String) async throws {
        let limits = try GroupLimits(maxPhoneNumbers: 1, priority: priority)
        let server = TestServer(protection: GraphProtection(limits: limits))
        try await server.run { client in
            _ = try await client.identify(email: "a@shop.io", phoneNumber: "111111")
            _ = try await client.identify(email: "b@shop.io", phoneNumber: "222222")
            // Merging the two people would give one of them two phone numbers.
            #expect(try await client.identify(email: "a@shop.io", phoneNumber: "222222") == expected)
        }
        let rows = try await InvariantChecker.check(store: server.store)
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.linkPrecedence == .primary })
    }

    @Test("a new email over the email limit drops the phone number: a new person holds the email alone")
    func secondaryOverLimit() async throws {
        let limits = try GroupLimits(maxEmails: 1, priority: .email)
        let server = TestServer(protection: GraphProtection(limits: limits))
        try await server.run { client in
            _ = try await client.identify(email: "a@shop.io", phoneNumber: "111111")
            // A secondary row would give the person two emails: the phone number is dropped instead.
            #expect(
                try await client.identify(email: "b@shop.io", phoneNumber: "111111") == Self.singleEmail(2, "b@shop.io")
            )
        }
        let rows = try await InvariantChecker.check(store: server.store)
        #expect(rows.map(\.phoneNumber) == ["111111", nil])
    }
}
