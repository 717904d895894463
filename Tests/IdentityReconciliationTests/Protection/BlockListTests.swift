import IdentityReconciliation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

/// ``BlockedValues/init(blockList:)``: the `--block-file` format of the CLI and the server.
@Suite("Block lists")
struct BlockListTests {
    @Test("fields, comments, blank lines, CRLF and whitespace")
    func readsValues() throws {
        let text = """
            # the shop's own contacts
            email:orders@shop.io

              phoneNumber:+1 555 0100\r
            email: Desk@Shop.io \r
               # an indented comment
            phoneNumber:0000000000
            """
        let blocked = try BlockedValues(blockList: text)
        #expect(blocked.emails == ["orders@shop.io", "Desk@Shop.io"])
        #expect(blocked.phoneNumbers == ["+1 555 0100", "0000000000"])
        #expect(blocked.emailRules.isEmpty && blocked.phoneNumberRules.isEmpty)
    }

    @Test("an empty list, or one of comments, blocks nothing", arguments: ["", "\n\n", "# nothing yet\n", "  \r\n"])
    func emptyList(text: String) throws {
        #expect(try BlockedValues(blockList: text).isEmpty)
    }

    @Test(
        "a line that is not a field with a value is refused with its number",
        arguments: [
            ("email:a@b.co\nphone:123456\n", BlockListError(line: 2, reason: .missingField)),
            ("a@b.co", BlockListError(line: 1, reason: .missingField)),
            ("# ok\n\nEmail:a@b.co", BlockListError(line: 3, reason: .missingField)),
            ("phoneNumber 123456", BlockListError(line: 1, reason: .missingField)),
            ("email:\n", BlockListError(line: 1, reason: .emptyValue(.email))),
            ("email:a@b.co\nphoneNumber:   \r\n", BlockListError(line: 2, reason: .emptyValue(.phoneNumber))),
        ])
    func refusesBadLine(text: String, expected: BlockListError) {
        #expect(throws: expected) { try BlockedValues(blockList: text) }
    }

    @Test("the error reads well in a log")
    func errorDescription() {
        #expect(
            BlockListError(line: 2, reason: .missingField).description
                == "line 2: expected 'email:VALUE' or 'phoneNumber:VALUE'")
        #expect(
            BlockListError(line: 7, reason: .emptyValue(.phoneNumber)).description
                == "line 7: expected a value after 'phoneNumber:'")
    }

    @Test("a listed value is ignored by the resolver, after normalization")
    func resolverIgnoresListedValue() async throws {
        let blocked = try BlockedValues(blockList: "email:ORDERS@shop.io\nphoneNumber:+1 555 0100\n")
        let resolver = try StoreKind.inMemory.makeResolver(protection: GraphProtection(blockedValues: blocked))
        let result = try await resolver.identify(email: "orders@SHOP.io", phoneNumber: "123456")
        #expect(result.ignored == [IgnoredValue(field: .email, value: "orders@shop.io", reason: .blocked)])
        #expect(result.contact.emails == [])
        await #expect(throws: InputError.self) { try await resolver.identify(email: nil, phoneNumber: "+15550100") }
    }
}
