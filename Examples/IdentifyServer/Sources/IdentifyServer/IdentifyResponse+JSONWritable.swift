import IdentityReconciliation

extension IdentifyResponse: JSONWritable {
    /// `{"contact":{"primaryContatctId":…,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}}`:
    /// the library's ``IdentityReconciliation/IdentifyResponse/wireFormatJSON``, the task's body byte for byte.
    func write(to json: inout JSONWriter) {
        json.rawValue(wireFormatJSON)
    }
}
