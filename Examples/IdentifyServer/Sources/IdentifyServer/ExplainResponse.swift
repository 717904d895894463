import IdentityReconciliation

/// The body of `GET /contacts/{id}/explain`: `{"steps":[…]}`
/// (``IdentityReconciliation/WireCodec/appendExplanation(_:to:)``).
struct ExplainResponse: JSONWritable {
    var steps: [EvidenceStep]

    func write(to json: inout [UInt8]) {
        WireCodec.appendExplanation(steps, to: &json)
    }
}
