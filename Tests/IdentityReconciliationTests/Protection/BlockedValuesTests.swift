import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

/// Blocked values: ignored before anything is read, never matched, never stored.
@Suite("Blocked values")
struct BlockedValuesTests {
    static let common = GraphProtection(blockedValues: .common)

    /// Every placeholder the ``BlockedValues/common`` preset documents, as people type them.
    static let placeholders: [(ContactField, String, IgnoredValue.Reason)] = [
        (.phoneNumber, "0000000000", .matchedRule("repeated digit")),
        (.phoneNumber, "111-111-1111", .matchedRule("repeated digit")),
        (.phoneNumber, "+99 999", .matchedRule("repeated digit")),
        (.phoneNumber, "0", .matchedRule("zeros and dashes")),
        (.phoneNumber, "NULL", .blocked),
        (.phoneNumber, "n/a", .blocked),
        (.phoneNumber, " None ", .blocked),
        (.phoneNumber, "Undefined", .blocked),
        (.phoneNumber, "anonymous", .blocked),
        (.phoneNumber, "TEST", .blocked),
        (.email, "null", .blocked),
        (.email, "N/A", .blocked),
        (.email, "none", .blocked),
        (.email, "undefined", .blocked),
        (.email, "Anonymous", .blocked),
        (.email, "test", .blocked),
        (.email, "Test@Test.com", .blocked),
        (.email, "noemail@shop.io", .matchedRule("placeholder mailbox")),
        (.email, "NONE@shop.io", .matchedRule("placeholder mailbox")),
        (.email, "null@shop.io", .matchedRule("placeholder mailbox")),
        (.email, "jane@example.com", .matchedRule("example domain")),
        (.email, "jane@EXAMPLE.org", .matchedRule("example domain")),
    ]

    @Test(
        "the common preset ignores each placeholder; the request is decided on its other value", arguments: placeholders
    )
    func commonPlaceholders(field: ContactField, value: String, reason: IgnoredValue.Reason) async throws {
        let resolver = try StoreKind.inMemory.makeResolver(protection: Self.common)
        let result =
            field == .email
            ? try await resolver.identify(email: value, phoneNumber: "123456")
            : try await resolver.identify(email: "doc@hillvalley.edu", phoneNumber: value)
        #expect(result.outcome == .createdPrimary(contactID: 1))
        #expect(result.ignored.map(\.field) == [field])
        #expect(result.ignored.first?.reason == reason)
        let rows = try await resolver.checkedRows()
        #expect(rows.count == 1)
        #expect((field == .email ? rows[0].email : rows[0].phoneNumber) == nil)
        // Without the preset the same value is stored, or refused by the policy.
        let plain = try StoreKind.inMemory.makeResolver()
        let stored = try? await plain.identify(
            email: field == .email ? value : nil, phoneNumber: field == .email ? nil : value)
        #expect(stored?.ignored ?? [] == [])
    }

    @Test(
        "the common preset leaves ordinary values alone",
        arguments: [
            ("lorraine@hillvalley.edu", "123456"), ("mcfly@hillvalley.edu", "919191"), ("test@shop.io", "0123456789"),
            ("jane@example.co", "100"), ("nonexistent@x.io", "00000001"), ("nulla@x.io", "+1 555 0100"),
        ])
    func ordinaryValues(email: String, phoneNumber: String) async throws {
        let resolver = try StoreKind.inMemory.makeResolver(protection: Self.common)
        let result = try await resolver.identify(email: email, phoneNumber: phoneNumber)
        #expect(result.ignored == [])
        #expect(result.contact.emails.count == 1 && result.contact.phoneNumbers.count == 1)
    }

    @Test("the task's examples give the task's answers with the common preset on", arguments: StoreKind.allCases)
    func officialExamples(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(protection: Self.common)
        _ = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
        let linked = try await resolver.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
        #expect(
            linked
                == Identification(
                    contact: ConsolidatedContact(
                        primaryContactID: 1, emails: ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"],
                        phoneNumbers: ["123456"], secondaryContactIDs: [2]),
                    outcome: .createdSecondary(contactID: 2)))
        _ = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "919191")
        _ = try await resolver.identify(email: "biffsucks@hillvalley.edu", phoneNumber: "717171")
        let merged = try await resolver.identify(email: "george@hillvalley.edu", phoneNumber: "717171")
        #expect(merged.outcome == .merged(primaryID: 3, demotedPrimaryID: 4))
        #expect(merged.ignored == [])
    }

    @Test("the super cluster: twenty customers sharing 0000000000 stay twenty people with the preset, one without")
    func superCluster() async throws {
        for protection in [Self.common, GraphProtection.none] {
            let resolver = try StoreKind.inMemory.makeResolver(protection: protection)
            for customer in 1...20 {
                let result = try await resolver.identify(
                    email: "customer\(customer)@shop.io", phoneNumber: "0000000000")
                if protection.isNone {
                    #expect(
                        result.outcome
                            == (customer == 1 ? .createdPrimary(contactID: 1) : .createdSecondary(contactID: customer)))
                } else {
                    #expect(result.outcome == .createdPrimary(contactID: customer))
                    #expect(
                        result.ignored == [
                            IgnoredValue(
                                field: .phoneNumber, value: "0000000000", reason: .matchedRule("repeated digit"))
                        ])
                }
            }
            let rows = try await resolver.checkedRows()
            let people = Set(rows.map(\.primaryID)).count
            #expect(people == (protection.isNone ? 1 : 20))
            #expect(rows.allSatisfy { $0.phoneNumber == (protection.isNone ? "0000000000" : nil) })
            #expect(try await resolver.allLinks().isEmpty)
        }
    }

    @Test("exact values are compared after normalization", arguments: StoreKind.allCases)
    func exactValuesNormalized(kind: StoreKind) async throws {
        let blocked = BlockedValues(emails: [" Front.Desk@Shop.IO "], phoneNumbers: ["(555) 0100"])
        let resolver = try kind.makeResolver(protection: GraphProtection(blockedValues: blocked))
        let byEmail = try await resolver.identify(email: "front.desk@shop.io", phoneNumber: "123456")
        #expect(byEmail.ignored == [IgnoredValue(field: .email, value: "front.desk@shop.io", reason: .blocked)])
        let byPhone = try await resolver.identify(email: "jane@shop.io", phoneNumber: "555-0100")
        #expect(byPhone.ignored == [IgnoredValue(field: .phoneNumber, value: "5550100", reason: .blocked)])
        #expect(byPhone.outcome == .createdPrimary(contactID: 2))
        let rows = try await resolver.checkedRows()
        #expect(rows.map(\.email) == [nil, "jane@shop.io"])
        #expect(rows.map(\.phoneNumber) == ["123456", nil])
    }

    @Test("an exact value the policy refuses is compared with the value as sent, so the field is ignored, not refused")
    func refusedExactValue() async throws {
        // "İD" lowercases to three characters, one byte longer.
        let blocked = BlockedValues(phoneNumbers: ["Unknown", "İD"])
        let resolver = try StoreKind.inMemory.makeResolver(protection: GraphProtection(blockedValues: blocked))
        let result = try await resolver.identify(email: "jane@shop.io", phoneNumber: " UNKNOWN ")
        #expect(result.ignored == [IgnoredValue(field: .phoneNumber, value: "UNKNOWN", reason: .blocked)])
        await #expect(throws: InputError.invalidPhoneNumber(reason: .invalidCharacter("U"))) {
            try await StoreKind.inMemory.makeResolver().identify(email: "jane@shop.io", phoneNumber: " UNKNOWN ")
        }
        let longer = try await resolver.identify(email: "jane@shop.io", phoneNumber: "İD")
        #expect(longer.ignored == [IgnoredValue(field: .phoneNumber, value: "İD", reason: .blocked)])
        // Other invalid values are still refused.
        await #expect(throws: InputError.invalidPhoneNumber(reason: .invalidCharacter("k"))) {
            try await resolver.identify(email: "jane@shop.io", phoneNumber: "known")
        }
    }

    @Test("a rule sees the normalized value")
    func ruleSeesNormalizedValue() async throws {
        let blocked = BlockedValues(emailRules: [BlockRule("own domain") { $0.hasSuffix("@shop.io") }])
        let resolver = try StoreKind.inMemory.makeResolver(protection: GraphProtection(blockedValues: blocked))
        let result = try await resolver.identify(email: "  Staff@SHOP.io", phoneNumber: "123456")
        #expect(
            result.ignored == [IgnoredValue(field: .email, value: "staff@shop.io", reason: .matchedRule("own domain"))])
        #expect(try await resolver.identify(email: "staff@shop.com", phoneNumber: nil).ignored == [])
    }

    @Test(
        "a request whose every value is blocked or absent throws, naming the blocked field; nothing is written",
        arguments: StoreKind.allCases)
    func everyValueBlocked(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver(protection: Self.common)
        _ = try await resolver.identify(email: "jane@shop.io", phoneNumber: "123456")
        let before = try await resolver.checkedRows()
        let phone = IgnoredValue(field: .phoneNumber, value: "0000000000", reason: .matchedRule("repeated digit"))
        await #expect(throws: InputError.allValuesBlocked([phone])) {
            try await resolver.identify(email: nil, phoneNumber: "000-000-0000")
        }
        await #expect(throws: InputError.allValuesBlocked([phone])) {
            try await resolver.identify(email: "  ", phoneNumber: "0000000000")
        }
        let email = IgnoredValue(field: .email, value: "null", reason: .blocked)
        do {
            _ = try await resolver.identify(email: "null", phoneNumber: "0000000000")
            Issue.record("no error")
        } catch let error as InputError {
            #expect(error == .allValuesBlocked([email, phone]))
            #expect(error.code == "blocked_value")
            #expect(error.field == "email")
            #expect(error.description.contains("email \"null\" is a blocked value"))
        }
        await #expect(throws: InputError.missingEmailAndPhoneNumber) {
            try await resolver.identify(email: nil, phoneNumber: " ")
        }
        #expect(try await resolver.checkedRows() == before)
    }

    @Test("a blocked value already stored never matches again", arguments: StoreKind.allCases)
    func storedBlockedValueNeverMatches(kind: StoreKind) async throws {
        let store = AnyContactStore(try kind.makeStore())
        _ = try await IdentityResolver(store: store, clock: ManualClock(step: 1))
            .identify(email: "first@shop.io", phoneNumber: "0000000000")
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1), protection: Self.common)
        let result = try await resolver.identify(email: "second@shop.io", phoneNumber: "0000000000")
        #expect(result.outcome == .createdPrimary(contactID: 2))
        #expect(result.contact.phoneNumbers == [])
        #expect(try await resolver.checkedRows().map(\.primaryID) == [1, 2])
    }

    @Test("the wire answer is the task's, whatever was ignored")
    func wireFormatUnchanged() async throws {
        let resolver = try StoreKind.inMemory.makeResolver(protection: Self.common)
        let result = try await resolver.identify(email: "jane@shop.io", phoneNumber: "0000000000")
        #expect(!result.ignored.isEmpty)
        #expect(result.response == IdentifyResponse(contact: result.contact))
    }
}
