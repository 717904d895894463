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
                    guard let at = email.lastIndex(of: "@") else { return false }
                    return ["noemail", "none", "null"].contains(email[..<at].lowercased())
                },
                BlockRule("example domain") { email in
                    guard let at = email.lastIndex(of: "@") else { return false }
                    return ["example.com", "example.org", "example.net"].contains(
                        email[email.index(after: at)...].lowercased())
                },
            ],
            phoneNumberRules: [
                BlockRule("repeated digit") { phoneNumber in
                    let digits = phoneNumber.utf8.filter { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                    return digits.count >= 2 && digits.allSatisfy { $0 == digits[0] }
                },
                BlockRule("zeros and dashes") { phoneNumber in
                    !phoneNumber.isEmpty
                        && phoneNumber.utf8.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "-") }
                },
            ])
    }
}
