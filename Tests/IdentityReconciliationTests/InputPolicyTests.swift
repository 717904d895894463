import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

/// The input policies and every input error, through the resolver (where the rules that
/// hold under every policy apply) and on the policies themselves.
@Suite("Input policy")
struct InputPolicyTests {
    /// Identifies one request on a new in-memory store and returns the row it stored.
    static func stored(
        email: String?, phoneNumber: String?, policy: some NormalizationPolicy = .standard
    ) async throws -> (email: String?, phoneNumber: String?) {
        let resolver = try StoreKind.inMemory.makeResolver(policy: policy)
        _ = try await resolver.identify(email: email, phoneNumber: phoneNumber)
        let rows = try await resolver.checkedRows()
        try #require(rows.count == 1)
        return (rows[0].email, rows[0].phoneNumber)
    }

    // MARK: Standard: accepted emails

    @Test(
        "standard emails are trimmed and lowercased",
        arguments: [
            ("doc@hillvalley.edu", "doc@hillvalley.edu"),
            ("  Doc@HillValley.EDU  ", "doc@hillvalley.edu"),
            ("\t\u{00A0}A.B+tag@Sub.Example.Co.UK\u{2003} ", "a.b+tag@sub.example.co.uk"),
            ("a/b@x.io", "a/b@x.io"),
            ("ÉLODIE@École.fr", "élodie@école.fr"),
        ])
    func standardEmailAccepted(raw: String, expected: String) async throws {
        #expect(try await Self.stored(email: raw, phoneNumber: nil).email == expected)
    }

    @Test("an email of exactly 254 UTF-8 bytes is accepted")
    func emailAtLimit() async throws {
        let email = String(repeating: "x", count: 254 - "@x.io".utf8.count) + "@x.io"
        #expect(email.utf8.count == 254)
        #expect(try await Self.stored(email: email, phoneNumber: nil).email == email)
        let multibyte = String(repeating: "é", count: 124) + "@x.io" + "x"  // 248 + 5 + 1
        #expect(multibyte.utf8.count == 254)
        #expect(try await Self.stored(email: multibyte, phoneNumber: nil).email == multibyte)
    }

    // MARK: Standard: refused emails

    @Test(
        "standard email refusals name the reason",
        arguments: [
            ("plainaddress", InputError.Reason.missingAtSign),
            ("a@b@x.io", .multipleAtSigns),
            ("@@x.io", .multipleAtSigns),
            ("@x.io", .emptyLocalPart),
            ("a@", .invalidDomain),
            ("a@x", .invalidDomain),
            ("a@.x.io", .invalidDomain),
            ("a@x..io", .invalidDomain),
            ("a@x.io.", .invalidDomain),
            ("a@.", .invalidDomain),
            ("a b@x.io", .whitespace),
            ("a@x.io b", .whitespace),
            ("a\u{00A0}b@x.io", .whitespace),
            ("a\u{2003}b@x.io", .whitespace),
            ("a\u{0}b@x.io", .controlCharacter),
            ("a\u{1B}b@x.io", .controlCharacter),
            ("a\u{7F}b@x.io", .controlCharacter),
            ("a\u{85}b@x.io", .controlCharacter),
            ("a\u{9F}b@x.io", .controlCharacter),
            ("a\nb@x.io", .controlCharacter),
            (String(repeating: "x", count: 250) + "@x.io", .tooLong(limit: 254)),
            (String(repeating: "é", count: 125) + "@x.io", .tooLong(limit: 254)),
        ])
    func standardEmailRefused(raw: String, reason: InputError.Reason) async throws {
        let resolver = try StoreKind.inMemory.makeResolver()
        await #expect(throws: InputError.invalidEmail(reason: reason)) {
            try await resolver.identify(email: raw, phoneNumber: "123")
        }
        #expect(throws: InputError.invalidEmail(reason: reason)) {
            try StandardNormalizationPolicy().normalizeEmail(raw)
        }
        #expect(try await resolver.allContacts().isEmpty)
    }

    // MARK: Standard: phone numbers

    @Test(
        "standard phone numbers lose separators and keep one leading plus",
        arguments: [
            ("123456", "123456"),
            (" 123456 ", "123456"),
            ("+1 (555) 123-4567", "+15551234567"),
            ("555.123.4567", "5551234567"),
            ("(+44) 20-7946.0958", "+442079460958"),
            ("0", "0"),
            ("123456789012345", "123456789012345"),
            ("+123456789012345", "+123456789012345"),
            ("1 2 3 4 5 6 7 8 9 0 1 2 3 4 5  ", "123456789012345"),  // 32 characters
        ])
    func standardPhoneAccepted(raw: String, expected: String) async throws {
        #expect(try await Self.stored(email: nil, phoneNumber: raw).phoneNumber == expected)
    }

    @Test(
        "standard phone refusals name the reason",
        arguments: [
            ("12a4", InputError.Reason.invalidCharacter("a")),
            ("CALL-ME", .invalidCharacter("C")),
            ("1+2", .invalidCharacter("+")),
            ("++1", .invalidCharacter("+")),
            ("1 2 +3", .invalidCharacter("+")),
            ("1/2", .invalidCharacter("/")),
            ("1_2", .invalidCharacter("_")),
            ("１２３", .invalidCharacter("１")),  // fullwidth digits
            ("١٢٣", .invalidCharacter("١")),  // Arabic-Indic digits
            ("1\u{301}2", .invalidCharacter("1\u{301}")),  // a digit with a combining accent
            ("1\u{0}2", .controlCharacter),
            ("1\u{7F}", .controlCharacter),
            ("12\n34", .controlCharacter),
            ("+", .noDigits),
            ("( ) - .", .noDigits),
            ("1234567890123456", .tooManyDigits(limit: 15)),
            ("+1 234 567 890 123 456", .tooManyDigits(limit: 15)),
            (String(repeating: "1 ", count: 16) + "1", .tooLong(limit: 32)),  // 33 characters
            (String(repeating: " ", count: 30) + "123", .tooLong(limit: 32)),  // counted before trimming
        ])
    func standardPhoneRefused(raw: String, reason: InputError.Reason) async throws {
        let resolver = try StoreKind.inMemory.makeResolver()
        await #expect(throws: InputError.invalidPhoneNumber(reason: reason)) {
            try await resolver.identify(email: "a@x.io", phoneNumber: raw)
        }
        if reason != .tooLong(limit: 32) {
            #expect(throws: InputError.invalidPhoneNumber(reason: reason)) {
                try StandardNormalizationPolicy().normalizePhoneNumber(raw)
            }
        }
        #expect(try await resolver.allContacts().isEmpty)
    }

    @Test("the phone limit counts characters, not bytes")
    func phoneLimitCountsCharacters() async throws {
        // 32 characters, 33 bytes: within the limit, then refused for the letter.
        let raw = String(repeating: "1", count: 15) + String(repeating: " ", count: 16) + "é"
        #expect(raw.count == 32 && raw.utf8.count == 33)
        let resolver = try StoreKind.inMemory.makeResolver()
        await #expect(throws: InputError.invalidPhoneNumber(reason: .invalidCharacter("é"))) {
            try await resolver.identify(email: nil, phoneNumber: raw)
        }
    }

    // MARK: Standard: invisible characters

    /// Format characters (general category Cf) and U+034F COMBINING GRAPHEME JOINER.
    static let invisibleCharacters: [Unicode.Scalar] = [
        "\u{200B}", "\u{FEFF}", "\u{00AD}", "\u{202E}", "\u{2060}", "\u{034F}", "\u{200C}", "\u{200D}", "\u{200E}",
        "\u{2066}", "\u{180E}", "\u{E0001}",
    ]

    @Test("invisible characters in an email are refused, naming the character", arguments: invisibleCharacters)
    func invisibleCharactersInEmails(scalar: Unicode.Scalar) async throws {
        for raw in ["zw\(scalar)sp@x.com", "\(scalar)zwsp@x.com", "zwsp@x.com\(scalar)", "ZW\(scalar)SP@X.COM"] {
            let resolver = try StoreKind.inMemory.makeResolver()
            await #expect(throws: InputError.invalidEmail(reason: .invisibleCharacter(scalar))) {
                try await resolver.identify(email: raw, phoneNumber: "123")
            }
            #expect(throws: InputError.invalidEmail(reason: .invisibleCharacter(scalar))) {
                try StandardNormalizationPolicy().normalizeEmail(raw)
            }
            #expect(try await resolver.allContacts().isEmpty)
        }
    }

    @Test("invisible characters in a phone number are refused, naming the character", arguments: invisibleCharacters)
    func invisibleCharactersInPhoneNumbers(scalar: Unicode.Scalar) async throws {
        for raw in ["12\(scalar)34", "\(scalar)1234", "1234\(scalar)", "+1 (555) \(scalar)0100"] {
            #expect(throws: InputError.invalidPhoneNumber(reason: .invisibleCharacter(scalar))) {
                try StandardNormalizationPolicy().normalizePhoneNumber(raw)
            }
        }
    }

    @Test("the reason names the code point")
    func invisibleCharacterMessage() {
        #expect(
            InputError.invalidEmail(reason: .invisibleCharacter("\u{200B}")).description
                == "email contains the invisible character U+200B")
        #expect(
            InputError.invalidPhoneNumber(reason: .invisibleCharacter("\u{E0001}")).description
                == "phoneNumber contains the invisible character U+E0001")
    }

    @Test("the exact policy keeps invisible characters, as it keeps everything but control characters")
    func exactKeepsInvisibleCharacters() async throws {
        let row = try await Self.stored(email: "zw\u{200B}sp@x.com", phoneNumber: "1\u{2060}2", policy: .exact)
        #expect(row.email == "zw\u{200B}sp@x.com" && row.phoneNumber == "1\u{2060}2")
    }

    // MARK: Absent fields

    @Test(
        "blank values count as absent",
        arguments: [("", "1"), ("   ", "1"), ("\t\n ", "1"), ("a@x.io", ""), ("a@x.io", " \u{3000} ")])
    func blankMeansAbsent(email: String, phoneNumber: String) async throws {
        let row = try await Self.stored(email: email, phoneNumber: phoneNumber)
        #expect((row.email == nil) != (row.phoneNumber == nil))
    }

    @Test(
        "neither field present is refused",
        arguments: [(nil, nil), ("", nil), (nil, ""), ("  ", " \t "), ("", "")] as [(String?, String?)])
    func neitherField(email: String?, phoneNumber: String?) async throws {
        for policy in [AnyPolicy(.standard), AnyPolicy(.exact)] {
            let resolver = try StoreKind.inMemory.makeResolver(policy: policy)
            if policy.isExact, email?.isEmpty == false || phoneNumber?.isEmpty == false {
                continue  // whitespace is a value under the exact policy
            }
            await #expect(throws: InputError.missingEmailAndPhoneNumber) {
                try await resolver.identify(email: email, phoneNumber: phoneNumber)
            }
            #expect(try await resolver.allContacts().isEmpty)
        }
    }

    // MARK: Exact policy

    @Test(
        "the exact policy keeps values as given",
        arguments: [
            (" A@B.c ", "Not A Phone"),
            ("no-at-sign", "++1"),
            ("A@X.IO", "(555) 123"),
        ])
    func exactKeepsValues(email: String, phoneNumber: String) async throws {
        let row = try await Self.stored(email: email, phoneNumber: phoneNumber, policy: .exact)
        #expect(row.email == email && row.phoneNumber == phoneNumber)
    }

    @Test("under the exact policy, differently written values are different people")
    func exactComparesExactly() async throws {
        let resolver = try StoreKind.inMemory.makeResolver(policy: .exact)
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        #expect(try await resolver.identify(email: "A@x.io", phoneNumber: nil).outcome == .createdPrimary(contactID: 2))
        #expect(try await resolver.identify(email: nil, phoneNumber: " 1").outcome == .createdPrimary(contactID: 3))
        #expect(try await resolver.identify(email: "a@x.io", phoneNumber: nil).outcome == .unchanged)
    }

    @Test("the exact policy still applies the limits")
    func exactLimits() async throws {
        let resolver = try StoreKind.inMemory.makeResolver(policy: .exact)
        await #expect(throws: InputError.invalidEmail(reason: .tooLong(limit: 254))) {
            try await resolver.identify(email: String(repeating: "x", count: 255), phoneNumber: nil)
        }
        await #expect(throws: InputError.invalidPhoneNumber(reason: .tooLong(limit: 32))) {
            try await resolver.identify(email: nil, phoneNumber: String(repeating: "1", count: 33))
        }
        _ = try await resolver.identify(email: String(repeating: "x", count: 254), phoneNumber: nil)
        _ = try await resolver.identify(email: nil, phoneNumber: String(repeating: "1", count: 32))
        #expect(try await resolver.allContacts().count == 2)
    }

    // MARK: Custom policy

    @Test("a custom policy decides the stored values")
    func customPolicy() async throws {
        let resolver = try StoreKind.inMemory.makeResolver(policy: DigitsOnlyPolicy())
        let first = try await resolver.identify(email: "Doc@X.IO", phoneNumber: "tel: +1 555-0100")
        #expect(first.contact.emails == ["doc@x.io"] && first.contact.phoneNumbers == ["15550100"])
        let again = try await resolver.identify(email: "DOC@x.io", phoneNumber: "1.555.0100")
        #expect(again.outcome == .unchanged)
        // The policy says "n/a" is absent.
        let absent = try await resolver.identify(email: "n/a", phoneNumber: "15550100")
        #expect(absent.outcome == .unchanged)
        await #expect(throws: InputError.missingEmailAndPhoneNumber) {
            try await resolver.identify(email: "n/a", phoneNumber: nil)
        }
        await #expect(throws: InputError.invalidEmail(reason: .missingAtSign)) {
            try await resolver.identify(email: "reject", phoneNumber: "1")
        }
        await #expect(throws: InputError.invalidPhoneNumber(reason: .noDigits)) {
            try await resolver.identify(email: "new@x.io", phoneNumber: "none")
        }
        #expect(try await resolver.allContacts().count == 1)
    }

    @Test("a custom policy cannot get around control characters, NFC or the raw limits")
    func customPolicyUniversalRules() async throws {
        let resolver = try StoreKind.inMemory.makeResolver(policy: DigitsOnlyPolicy())
        // The policy would turn "bell" into a value with a control character.
        await #expect(throws: InputError.invalidEmail(reason: .controlCharacter)) {
            try await resolver.identify(email: "bell", phoneNumber: "1")
        }
        await #expect(throws: InputError.invalidEmail(reason: .tooLong(limit: 254))) {
            try await resolver.identify(email: String(repeating: "X", count: 255), phoneNumber: "1")
        }
        await #expect(throws: InputError.invalidPhoneNumber(reason: .tooLong(limit: 32))) {
            try await resolver.identify(email: nil, phoneNumber: String(repeating: "9", count: 33))
        }
        #expect(try await resolver.allContacts().isEmpty)
        // The policy returns a decomposed "é"; the stored value is NFC.
        let row = try await Self.stored(email: "decompose@x.io", phoneNumber: nil, policy: DigitsOnlyPolicy())
        #expect(Array(row.email!.utf8) == Array("d\u{E9}compose@x.io".utf8))
    }

    // MARK: Unicode normal form C

    static let precomposed = "jos\u{E9}@x.io"
    static let decomposed = "jose\u{301}@x.io"

    @Test(
        "precomposed and decomposed text is one email, stored in NFC",
        arguments: [AnyPolicy(.standard), AnyPolicy(.exact)])
    func nfc(policy: AnyPolicy) async throws {
        #expect(Array(Self.precomposed.utf8) != Array(Self.decomposed.utf8))
        for (first, second) in [(Self.precomposed, Self.decomposed), (Self.decomposed, Self.precomposed)] {
            let resolver = try StoreKind.inMemory.makeResolver(policy: policy)
            let created = try await resolver.identify(email: first, phoneNumber: "1")
            let again = try await resolver.identify(email: second, phoneNumber: "1")
            #expect(again.outcome == .unchanged)
            #expect(again.contact == created.contact)
            let rows = try await resolver.checkedRows()
            #expect(rows.count == 1)
            #expect(Array(rows[0].email!.utf8) == Array(Self.precomposed.utf8))
            #expect(Array(created.contact.emails[0].utf8) == Array(Self.precomposed.utf8))
            let found = try await resolver.contact(email: second)
            #expect(found?.primaryContactID == 1)
        }
    }

    @Test("uppercase decomposed text is lowercased and composed by the standard policy")
    func nfcAfterLowercasing() async throws {
        let row = try await Self.stored(email: "JOSE\u{301}@X.IO", phoneNumber: nil)
        #expect(Array(row.email!.utf8) == Array(Self.precomposed.utf8))
    }

    @Test("an email that NFC makes longer than 254 bytes is refused, so no stored email exceeds the limit")
    func nfcCannotExceedLimit() async throws {
        // U+0958 is excluded from composition: NFC turns its 3 bytes into 6.
        let raw = String(repeating: "x", count: 254 - 5 - 3) + "\u{0958}" + "@x.io"
        #expect(raw.utf8.count == 254)
        for policy in [AnyPolicy(.standard), AnyPolicy(.exact)] {
            let resolver = try StoreKind.inMemory.makeResolver(policy: policy)
            await #expect(throws: InputError.invalidEmail(reason: .tooLong(limit: 254))) {
                try await resolver.identify(email: raw, phoneNumber: "1")
            }
            #expect(try await resolver.allContacts().isEmpty)
        }
    }

    // MARK: Control characters under every policy

    @Test(
        "control characters are refused under every policy",
        arguments: [AnyPolicy(.standard), AnyPolicy(.exact), AnyPolicy(DigitsOnlyPolicy())])
    func controlCharacters(policy: AnyPolicy) async throws {
        let resolver = try StoreKind.inMemory.makeResolver(policy: policy)
        for bad in ["a\u{0}b@x.io", "a\u{7}b@x.io", "a\u{7F}b@x.io", "a\u{80}b@x.io", "a\u{9F}b@x.io"] {
            await #expect(throws: InputError.invalidEmail(reason: .controlCharacter)) {
                try await resolver.identify(email: bad, phoneNumber: "1")
            }
        }
        // The rule holds for the values a policy returns: this custom policy keeps only the
        // digits of a phone number, so it never returns a control character there.
        for bad in ["1\u{0}2", "1\u{1F}2", "1\u{7F}", "1\u{85}2"] where !(policy.base is DigitsOnlyPolicy) {
            await #expect(throws: InputError.invalidPhoneNumber(reason: .controlCharacter)) {
                try await resolver.identify(email: "ok@x.io", phoneNumber: bad)
            }
        }
        #expect(try await resolver.allContacts().isEmpty)
    }

    // MARK: Nothing is written on error

    @Test("a refused request writes nothing, even when its other field is valid and new", arguments: StoreKind.allCases)
    func nothingWrittenOnError(kind: StoreKind) async throws {
        let resolver = try kind.makeResolver()
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        _ = try await resolver.identify(email: "b@x.io", phoneNumber: "2")
        let before = try await resolver.checkedRows()
        let bad: [(String?, String?, InputError)] = [
            ("new@x.io", "1x", .invalidPhoneNumber(reason: .invalidCharacter("x"))),
            ("a@x.io", "+", .invalidPhoneNumber(reason: .noDigits)),
            ("bad", "3", .invalidEmail(reason: .missingAtSign)),
            ("a@x", "2", .invalidEmail(reason: .invalidDomain)),  // would have merged
            ("a@x.io", "2\u{0}", .invalidPhoneNumber(reason: .controlCharacter)),
            (nil, nil, .missingEmailAndPhoneNumber),
            ("bad", "bad", .invalidEmail(reason: .missingAtSign)),  // the email is checked first
        ]
        for (email, phoneNumber, error) in bad {
            await #expect(throws: error) { try await resolver.identify(email: email, phoneNumber: phoneNumber) }
        }
        #expect(try await resolver.checkedRows() == before)
    }

    @Test("lookups normalize like identify and refuse bad values")
    func lookupsNormalize() async throws {
        let resolver = try StoreKind.inMemory.makeResolver()
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "+1 555")
        #expect(try await resolver.contact(email: "  A@X.IO ")?.primaryContactID == 1)
        #expect(try await resolver.contact(phoneNumber: "+1-555")?.primaryContactID == 1)
        #expect(try await resolver.contact(email: "   ") == nil)
        #expect(try await resolver.contact(phoneNumber: "") == nil)
        await #expect(throws: InputError.invalidEmail(reason: .missingAtSign)) {
            try await resolver.contact(email: "nope")
        }
        await #expect(throws: InputError.invalidPhoneNumber(reason: .invalidCharacter("x"))) {
            try await resolver.contact(phoneNumber: "x")
        }
    }

    // MARK: The error values

    @Test("errors name their field, code and reason")
    func errorDescriptions() {
        let missing = InputError.missingEmailAndPhoneNumber
        #expect(missing.field == nil && missing.code == "missing_email_and_phone_number")
        #expect(missing.description == "the request has neither an email nor a phone number")
        let email = InputError.invalidEmail(reason: .missingAtSign)
        #expect(email.field == "email" && email.code == "invalid_email")
        #expect(email.description == "email has no '@'")
        let phone = InputError.invalidPhoneNumber(reason: .invalidCharacter("x"))
        #expect(phone.field == "phoneNumber" && phone.code == "invalid_phone_number")
        #expect(phone.description == #"phoneNumber contains the character "x""#)
        #expect(
            InputError.invalidEmail(reason: .tooLong(limit: 254)) != .invalidPhoneNumber(reason: .tooLong(limit: 254)))
        #expect(InputError.Reason.tooManyDigits(limit: 15).description == "has more than 15 digits")
    }
}
