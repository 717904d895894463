/// A value that writes itself as one JSON value, keys in a fixed order.
///
/// `JSONEncoder` on Linux writes object keys in hash order, which changes from run to run;
/// the task's examples have a fixed key order and clients compare bodies byte for byte, so
/// the service writes its bodies with the library's ``IdentityReconciliation/WireCodec``.
protocol JSONWritable {
    /// Appends the value's JSON text.
    func write(to json: inout [UInt8])
}
