import IdentityReconciliation

extension IdentifyResponse: JSONWritable {
    /// `{"contact":{"primaryContatctId":…,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}}`,
    /// the task's body with the task's key order and spelling.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("contact")
        json.beginObject()
        json.key("primaryContatctId")
        json.integer(contact.primaryContactID)
        json.key("emails")
        json.array(contact.emails) { $0.string($1) }
        json.key("phoneNumbers")
        json.array(contact.phoneNumbers) { $0.string($1) }
        json.key("secondaryContactIds")
        json.array(contact.secondaryContactIDs) { $0.integer($1) }
        json.endObject()
        json.endObject()
    }
}
