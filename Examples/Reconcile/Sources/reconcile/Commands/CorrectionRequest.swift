import IdentityReconciliation

/// One correction of the identity graph, as `reconcile delete`, `forget` and `erase` and the
/// lines of `reconcile apply` ask for it.
enum CorrectionRequest: Equatable {
    /// Soft-delete the live row with this id (``IdentityResolver/delete(contactID:)``).
    case delete(contactID: Int)
    /// Remove an email from every row (``IdentityResolver/forget(email:)``).
    case forgetEmail(String)
    /// Remove a phone number from every row (``IdentityResolver/forget(phoneNumber:)``).
    case forgetPhoneNumber(String)
    /// Erase the person of this row (``IdentityResolver/erase(contactID:)``).
    case erase(contactID: Int)

    /// Makes the correction.
    ///
    /// - Returns: What it did; its `contacts` are ordered by primary id.
    /// - Throws: ``CorrectionError`` when the row or value is not found, ``InputError`` when
    ///   the policy refuses the value to forget, or the store's error; nothing is written then.
    func run(on resolver: IdentityResolver<some ContactStore>) async throws -> Correction {
        switch self {
        case .delete(let id): try await resolver.delete(contactID: id)
        case .forgetEmail(let email): try await resolver.forget(email: email)
        case .forgetPhoneNumber(let phoneNumber): try await resolver.forget(phoneNumber: phoneNumber)
        case .erase(let id): try await resolver.erase(contactID: id)
        }
    }

    private func run(in store: some ContactStore, policy: any NormalizationPolicy) async throws -> Correction {
        try await run(on: IdentityResolver(store: store, policy: policy))
    }

    /// Runs one correction on the file store at `path` (which must exist) and prints its
    /// result line, `{"contacts":[…]}`: the shared body of `delete`, `forget` and `erase`.
    ///
    /// - Returns: `.success`, or `.failure` after a message on standard error when nothing
    ///   was found or the policy refused the value (nothing is written then).
    /// - Throws: ``CommandFailure`` when the store cannot be opened; the store's errors.
    func runCommand(store path: String, policy: any NormalizationPolicy) async throws -> ExitStatus {
        let session = try StoreSession.open(StoreOptions(path: path, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        let correction: Correction
        do {
            correction = try await run(in: session.store, policy: policy)
        } catch {
            try? session.close()
            guard let failure = LineFailure(refusal: error) else { throw error }
            Console.error(failure.description)
            return .failure
        }
        try session.close()
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        WireCodec.appendContacts(correction.contacts, to: &output.bytes)
        try output.endLine()
        try output.flush()
        return .success
    }

    /// The help text's paragraph on a correction's output and exit status.
    static let resultDiscussion = """
        Prints one JSON line: the consolidated contact of every person the correction left
        behind, ordered by primary id (several after a split, none after an erasure):
          {"contacts":[{"primaryContatctId":1,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}]}
        The store must exist. When nothing matches, or the policy refuses the value, nothing is
        written and standard error gets `reconcile: CODE: MESSAGE`, with CODE one of
        contact_not_found, email_not_found, phone_number_not_found, invalid_email,
        invalid_phone_number.

        Exit status: 0 on success, 1 when nothing matched or the value was refused, 2 on usage
        or store errors.
        """
}
