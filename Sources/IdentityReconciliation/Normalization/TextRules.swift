/// The text rules shared by every policy: trimming, control characters, NFC, and the
/// universal steps around a policy.
enum TextRules {
    /// Removes leading and trailing Unicode whitespace (including newlines).
    static func trimmingWhitespace(_ text: String) -> String {
        // Fast path for the usual value: Unicode property lookups cost more than the rest of
        // normalization, and an ASCII non-space at each end means there is nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last, first < 0x80, last < 0x80,
            !isASCIIWhitespace(first), !isASCIIWhitespace(last)
        {
            return text
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    /// Whether the text contains a character with the Unicode White_Space property.
    static func containsWhitespace(_ text: String) -> Bool {
        // ASCII text needs no property lookup: its White_Space characters are U+0009–U+000D and U+0020.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.contains(where: isASCIIWhitespace) }
        return text.unicodeScalars.contains(where: \.properties.isWhitespace)
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Whether the text contains a C0 or C1 control character or DEL (general category Cc).
    static func containsControlCharacter(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            // C0 and DEL are single bytes; C1 (U+0080–U+009F) is encoded as 0xC2 0x80–0x9F.
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { return true }
            previous = byte
        }
        return false
    }

    /// Whether every byte of the text is printable ASCII (U+0020–U+007E).
    static func isPrintableASCII(_ text: String) -> Bool {
        withUTF8(text) { $0.allSatisfy { (0x20...0x7E).contains($0) } }
    }

    /// Calls `body` with the text's UTF-8 bytes in one buffer. Scanning a buffer is several
    /// times faster than iterating `String.UTF8View`, and a native string is already contiguous.
    static func withUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = text
        return text.withUTF8(body)
    }

    /// The text in Unicode normal form C.
    static func nfc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        // `_nfcCodeUnits` is the standard library's NFC normalizer; using it keeps full
        // Foundation (and ICU) out of the library.
        return String(decoding: text._nfcCodeUnits, as: UTF8.self)
    }

    /// Applies the universal limits, the policy, and the universal output rules to an email.
    static func email(_ raw: String?, policy: any NormalizationPolicy) throws(InputError) -> String? {
        guard let raw else { return nil }
        if raw.utf8.count > InputLimits.maximumEmailBytes {
            throw .invalidEmail(reason: .tooLong(limit: InputLimits.maximumEmailBytes))
        }
        guard let value = try policy.normalizeEmail(raw), !value.isEmpty else { return nil }
        // Printable ASCII (nearly every value) has no control character and is already NFC.
        if isPrintableASCII(value) && value.utf8.count <= InputLimits.maximumEmailBytes { return value }
        if containsControlCharacter(value) { throw .invalidEmail(reason: .controlCharacter) }
        let normalized = nfc(value)
        // NFC can lengthen text (some characters are excluded from composition), and a custom
        // policy can too: the limit holds for the stored value as well as for the raw one.
        if normalized.utf8.count > InputLimits.maximumEmailBytes {
            throw .invalidEmail(reason: .tooLong(limit: InputLimits.maximumEmailBytes))
        }
        return normalized
    }

    /// Applies the universal limits, the policy, and the universal output rules to a phone number.
    static func phoneNumber(_ raw: String?, policy: any NormalizationPolicy) throws(InputError) -> String? {
        guard let raw else { return nil }
        let limit = InputLimits.maximumPhoneNumberCharacters
        // Counting characters walks the string, so the O(1) byte count rules out the common case first.
        if raw.utf8.count > limit && raw.count > limit {
            throw .invalidPhoneNumber(reason: .tooLong(limit: limit))
        }
        guard let value = try policy.normalizePhoneNumber(raw), !value.isEmpty else { return nil }
        if isPrintableASCII(value) { return value }
        if containsControlCharacter(value) { throw .invalidPhoneNumber(reason: .controlCharacter) }
        return nfc(value)
    }
}
