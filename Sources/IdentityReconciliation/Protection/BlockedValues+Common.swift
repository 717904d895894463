extension BlockedValues {
    /// Words people and forms type when they have no value, blocked in both fields in any case.
    static let placeholderWords: Set<String> = ["null", "none", "n/a", "undefined", "anonymous", "test"]

    /// The common placeholders, opt-in. It blocks:
    /// - in both fields, in any case: `null`, `none`, `n/a`, `undefined`, `anonymous`, `test`;
    /// - the email `test@test.com`;
    /// - emails whose local part is `noemail`, `none` or `null` (rule `placeholder mailbox`);
    /// - emails at `example.com`, `example.org` or `example.net`, the domains reserved for
    ///   examples (rule `example domain`);
    /// - phone numbers with two or more digits, all the same one, whatever the separators
    ///   (`0000000000`, `111-111-1111`; rule `repeated digit`);
    /// - phone numbers made only of `0`s and `-` (`0`, `0-0`; rule `zeros and dashes`).
    ///
    /// It blocks nothing else: add the values of your own business (its phone number, its
    /// support address) with ``union(_:)`` or by inserting them into ``emails`` and
    /// ``phoneNumbers``.
    public static var common: BlockedValues {
        BlockedValues(
            emails: placeholderWords.union(["test@test.com"]),
            phoneNumbers: placeholderWords,
            emailRules: [
                BlockRule("placeholder mailbox") { email in
                    withParts(of: email) { local, _ in
                        placeholderMailboxes.contains { equalsIgnoringASCIICase(local, $0) }
                    }
                },
                BlockRule("example domain") { email in
                    withParts(of: email) { _, domain in
                        exampleDomains.contains { equalsIgnoringASCIICase(domain, $0) }
                    }
                },
            ],
            phoneNumberRules: [
                BlockRule("repeated digit") { phoneNumber in
                    var first: UInt8 = 0
                    var digits = 0
                    for byte in phoneNumber.utf8 where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                        if digits == 0 { first = byte } else if byte != first { return false }
                        digits += 1
                    }
                    return digits >= 2
                },
                BlockRule("zeros and dashes") { phoneNumber in
                    !phoneNumber.isEmpty
                        && phoneNumber.utf8.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "-") }
                },
            ])
    }

    private static let placeholderMailboxes = ["noemail", "none", "null"]
    private static let exampleDomains = ["example.com", "example.org", "example.net"]

    /// Calls `body` with the bytes before and after the last `@` of `email` (`false` without one).
    private static func withParts(
        of email: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool
    ) -> Bool {
        TextRules.withUTF8(email) { bytes in
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
            return body(
                UnsafeBufferPointer(rebasing: bytes[..<at]), UnsafeBufferPointer(rebasing: bytes[(at + 1)...]))
        }
    }

    /// Whether `bytes` spell `lowercase` in any ASCII case, without building a lowercased copy:
    /// the rules run on every request, and most values differ in length at once.
    private static func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: String) -> Bool {
        guard bytes.count == lowercase.utf8.count else { return false }
        return zip(bytes, lowercase.utf8).allSatisfy { byte, expected in
            byte == expected || ((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) && byte | 0x20 == expected)
        }
    }
}
