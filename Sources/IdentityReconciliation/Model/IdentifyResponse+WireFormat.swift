extension IdentifyResponse {
    /// The response body as compact JSON text in the task's wire format, byte for byte:
    /// `{"contact":{"primaryContatctId":1,"emails":[...],"phoneNumbers":[...],"secondaryContactIds":[...]}}`.
    ///
    /// The keys come in the task's order. `JSONEncoder` writes the same keys and values, but
    /// keeps an object's keys in a dictionary, so without `.sortedKeys` their order changes
    /// from one process to the next; use this property when the bytes matter. Strings are
    /// escaped as `JSONEncoder` with `.withoutEscapingSlashes` escapes them.
    public var wireFormatJSON: String {
        var json = #"{"contact":{"primaryContatctId":"#
        json += String(contact.primaryContactID)
        json += #","emails":"#
        Self.appendArray(contact.emails, to: &json)
        json += #","phoneNumbers":"#
        Self.appendArray(contact.phoneNumbers, to: &json)
        json += #","secondaryContactIds":["#
        json += contact.secondaryContactIDs.map(String.init).joined(separator: ",")
        json += "]}}"
        return json
    }

    private static func appendArray(_ strings: [String], to json: inout String) {
        json += "["
        for (index, string) in strings.enumerated() {
            if index > 0 { json += "," }
            appendString(string, to: &json)
        }
        json += "]"
    }

    private static func appendString(_ string: String, to json: inout String) {
        json += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\u{08}": json += "\\b"
            case "\u{0C}": json += "\\f"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }
}
