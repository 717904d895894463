extension IdentifyResponse {
    /// The response body as compact JSON text in the task's wire format, byte for byte:
    /// `{"contact":{"primaryContatctId":1,"emails":[...],"phoneNumbers":[...],"secondaryContactIds":[...]}}`.
    ///
    /// The keys come in the task's order. `JSONEncoder` writes the same keys and values, but
    /// keeps an object's keys in a dictionary, so without `.sortedKeys` their order changes
    /// from one process to the next; use this property when the bytes matter. Strings are
    /// escaped as `JSONEncoder` with `.withoutEscapingSlashes` escapes them. The bytes are
    /// those of ``WireCodec/appendResponse(_:to:)``, which appends them to a buffer instead.
    public var wireFormatJSON: String {
        var bytes: [UInt8] = []
        WireCodec.appendResponse(contact, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
