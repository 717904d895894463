import IdentityReconciliation

/// The body of a correction's answer: `{"contacts":[…]}`, the people it left behind.
///
/// Each element is the task's inner object (`primaryContatctId`, `emails`, `phoneNumbers`,
/// `secondaryContactIds`), byte for byte as `POST /identify` writes it inside `"contact"`
/// (``IdentityReconciliation/WireCodec/appendContacts(_:to:)``); ordered by primary id;
/// empty after an erasure.
struct CorrectionResponse: JSONWritable {
    var contacts: [ConsolidatedContact]

    init(_ correction: Correction) {
        contacts = correction.contacts.sorted { $0.primaryContactID < $1.primaryContactID }
    }

    func write(to json: inout [UInt8]) {
        WireCodec.appendContacts(contacts, to: &json)
    }
}
