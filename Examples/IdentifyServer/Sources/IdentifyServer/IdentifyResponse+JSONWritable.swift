import IdentityReconciliation

extension IdentifyResponse: JSONWritable {
    /// `{"contact":{"primaryContatctId":…,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}}`:
    /// the task's body byte for byte, by ``IdentityReconciliation/WireCodec/appendResponse(_:to:)``.
    func write(to json: inout [UInt8]) {
        WireCodec.appendResponse(contact, to: &json)
    }
}
