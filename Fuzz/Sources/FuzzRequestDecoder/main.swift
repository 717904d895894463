import Dispatch
import FoundationEssentials
import IdentityReconciliation

// libFuzzer target: `WireCodec.decodeRequest` on arbitrary bytes (see Fuzz/README.md).
//
// Beyond "no crash, no hang", two oracles:
// - the one-pass path and the general reader agree: `decodeRequest` gives the same request or
//   the same error as `readObject` followed by `request(email:phoneNumber:)`;
// - a request read back from the JSON the codec writes for it is the same request.
// The standard and exact policies then run on whatever was read, and a request that decodes
// is identified twice on a small store (with and without graph protection): each identify
// returns or throws `InputError`, and the second is `unchanged` with the same answer
// (identify is idempotent).

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

/// Rows the identifies meet: two people, one of them holding a common placeholder value.
let seedRows = [
    Contact(
        id: 1, email: "a@x.io", phoneNumber: "123456", linkedId: nil, linkPrecedence: .primary,
        createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0)),
    Contact(
        id: 2, email: "test@test.com", phoneNumber: "0000000000", linkedId: nil, linkPrecedence: .primary,
        createdAt: Date(timeIntervalSince1970: 1), updatedAt: Date(timeIntervalSince1970: 1)),
]

/// Identifies `request` twice on a new store holding ``seedRows``, under `protection`.
func identifyTwice(_ request: IdentifyRequest, protection: GraphProtection) async {
    let store = InMemoryContactStore()
    let resolver = IdentityResolver(store: store, protection: protection)
    do {
        try await resolver.importContacts(seedRows)
    } catch {
        fatalError("the seed rows do not import: \(error)")
    }
    let first: Identification
    do {
        first = try await resolver.identify(request)
    } catch is InputError {
        return
    } catch {
        fatalError("identify of \(request) threw \(error), not an InputError")
    }
    do {
        let second = try await resolver.identify(request)
        guard second.outcome == .unchanged, second.contact == first.contact else {
            fatalError("identify of \(request) is not idempotent: \(first), then \(second)")
        }
    } catch {
        fatalError("identify of \(request) succeeded once, then threw \(error)")
    }
}

/// Runs ``identifyTwice(_:protection:)`` without and with protection, from this synchronous
/// entry point: libFuzzer's thread waits on a semaphore while a task runs them.
func identifyTwice(_ request: IdentifyRequest) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await identifyTwice(request, protection: .none)
        let limits = try! GroupLimits(maxEmails: 2, maxPhoneNumbers: 2)
        await identifyTwice(request, protection: GraphProtection(blockedValues: .common, limits: limits))
        done.signal()
    }
    done.wait()
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
    identifyTwice(request)
    return 0
}
