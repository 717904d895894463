import IdentityReconciliation

/// The body of a correction's answer: `{"contacts":[…]}`, the people it left behind.
///
/// Each element is the task's inner object (`primaryContatctId`, `emails`, `phoneNumbers`,
/// `secondaryContactIds`), byte for byte as `POST /identify` writes it inside `"contact"`;
/// ordered by primary id; empty after an erasure.
struct CorrectionResponse: JSONWritable {
    var contacts: [ConsolidatedContact]

    init(_ correction: Correction) {
        contacts = correction.contacts.sorted { $0.primaryContactID < $1.primaryContactID }
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("contacts")
        json.array(contacts) { $0.value($1) }
        json.endObject()
    }
}

extension ConsolidatedContact: JSONWritable {
    /// The task's inner object: the library's ``IdentityReconciliation/IdentifyResponse/wireFormatJSON``
    /// without its `{"contact":` wrapper, so it is the same bytes `POST /identify` answers.
    func write(to json: inout JSONWriter) {
        let wrapped = IdentifyResponse(contact: self).wireFormatJSON
        assert(wrapped.hasPrefix(Self.wrapperPrefix) && wrapped.hasSuffix("}"))
        json.rawValue(String(wrapped.dropFirst(Self.wrapperPrefix.count).dropLast()))
    }

    /// What ``IdentityReconciliation/IdentifyResponse/wireFormatJSON`` writes before the contact.
    private static let wrapperPrefix = #"{"contact":"#
}
