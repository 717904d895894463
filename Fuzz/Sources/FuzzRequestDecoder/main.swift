import IdentityReconciliation

// libFuzzer target: `WireCodec.decodeRequest` on arbitrary bytes (see Fuzz/README.md).
//
// Beyond "no crash, no hang", two oracles:
// - the one-pass path and the general reader agree: `decodeRequest` gives the same request or
//   the same error as `readObject` followed by `request(email:phoneNumber:)`;
// - a request read back from the JSON the codec writes for it is the same request.
// The standard and exact policies then run on whatever was read.

/// Decodes through the general reader only, keeping the first of a repeated key.
func decodeGenerally(_ bytes: UnsafeRawBufferPointer) throws(WireCodecError) -> IdentifyRequest {
    var email: WireValue?
    var phoneNumber: WireValue?
    try WireCodec.readObject(bytes) { key, value in
        if key == "email" && email == nil { email = value }
        if key == "phoneNumber" && phoneNumber == nil { phoneNumber = value }
    }
    return try WireCodec.request(email: email, phoneNumber: phoneNumber)
}

func appendOptionalString(_ value: String?, to json: inout [UInt8]) {
    if let value { WireCodec.appendString(value, to: &json) } else { json += "null".utf8 }
}

func decode(_ bytes: UnsafeRawBufferPointer) -> Result<IdentifyRequest, WireCodecError> {
    Result { () throws(WireCodecError) in try WireCodec.decodeRequest(bytes) }
}

/// libFuzzer's entry point: decodes one input as a request body and checks the oracles above.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count)
    let result = decode(bytes)
    let general = Result { () throws(WireCodecError) in try decodeGenerally(bytes) }
    guard result == general else {
        fatalError("the one-pass path and the general reader disagree: \(result) against \(general)")
    }
    guard case .success(let request) = result else {
        if case .failure(let error) = result, error.message.isEmpty { fatalError("an error without a message") }
        return 0
    }
    var json = Array(#"{"email":"#.utf8)
    appendOptionalString(request.email, to: &json)
    json += #","phoneNumber":"#.utf8
    appendOptionalString(request.phoneNumber, to: &json)
    json += "}".utf8
    let again = json.withUnsafeBytes { decode($0) }
    guard again == .success(request) else { fatalError("\(request) does not read back: \(again)") }
    let policies: [any NormalizationPolicy] = [StandardNormalizationPolicy(), ExactNormalizationPolicy()]
    for policy in policies {
        if let email = request.email { _ = try? policy.normalizeEmail(email) }
        if let phone = request.phoneNumber { _ = try? policy.normalizePhoneNumber(phone) }
    }
    return 0
}
