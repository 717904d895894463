import IdentityReconciliation

/// The body of `GET /report`: the ``IdentityReconciliation/GraphReport`` as one object
/// (``IdentityReconciliation/WireCodec/appendReport(_:to:)``).
struct ReportResponse: JSONWritable {
    var report: GraphReport

    func write(to json: inout [UInt8]) {
        WireCodec.appendReport(report, to: &json)
    }
}
