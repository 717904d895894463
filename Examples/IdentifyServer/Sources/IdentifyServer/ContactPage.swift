import IdentityReconciliation

/// The body of `GET /contacts`: one page of rows and where the next page starts.
///
/// Each row is written by ``IdentityReconciliation/WireCodec/appendRow(_:to:)``: the task's
/// column names in the task's order, `null` for empty columns and ISO 8601 UTC timestamps
/// with milliseconds, as `reconcile contacts` writes them.
struct ContactPage: JSONWritable {
    /// The rows, in ascending id order.
    var contacts: [Contact]
    /// The `after` value for the next page, or `nil` on the last page.
    var nextAfter: Int?

    func write(to json: inout [UInt8]) {
        json.append(contentsOf: #"{"contacts":["#.utf8)
        for (index, contact) in contacts.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            WireCodec.appendRow(contact, to: &json)
        }
        // Written as an explicit null so clients can test `nextAfter == null` to stop.
        json.append(contentsOf: #"],"nextAfter":"#.utf8)
        if let nextAfter {
            WireCodec.appendInteger(nextAfter, to: &json)
        } else {
            json.append(contentsOf: "null".utf8)
        }
        json.append(UInt8(ascii: "}"))
    }
}
