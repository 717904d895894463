import IdentityReconciliation

/// `reconcile show`: the consolidated contact for an id, an email or a phone number.
enum ShowCommand: Subcommand {
    static let spec = CommandSpec(
        name: "show",
        abstract: "Print the consolidated contact of one person, without writing anything.",
        usage: "--store PATH (--id N | --email E | --phone P) [--policy POLICY]",
        discussion: """
            Prints the response body {"contact":{…}} of the group that holds the live row with
            this id, email or phone number (normalized by the policy). Exits with status 1 and a
            message when nothing matches.
            """,
        options: [
            StoreOptions.requiredStoreOption,
            .init(name: "id", valueName: "N", help: "A contact id (of any row of the group)."),
            .init(name: "email", valueName: "EMAIL", help: "An email of the person."),
            .init(name: "phone", valueName: "PHONE", help: "A phone number of the person."),
            PolicyChoice.option,
        ]
    )

    static func run(_ arguments: ParsedArguments) async throws -> ExitStatus {
        let path = try arguments.required("store", command: spec.name)
        let id = try arguments.positiveInteger("id", command: spec.name)
        let email = arguments[option: "email"]
        let phone = arguments[option: "phone"]
        guard [id != nil, email != nil, phone != nil].count(where: { $0 }) == 1 else {
            throw UsageError("give exactly one of --id, --email and --phone", command: spec.name)
        }
        let policy = arguments.choice("policy", default: PolicyChoice.standard).policy
        let session = try StoreSession.open(StoreOptions(path: path, readOnly: true, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        defer { try? session.close() }
        return try await show(id: id, email: email, phone: phone, store: session.store, policy: policy)
    }

    private static func show(
        id: Int?, email: String?, phone: String?, store: some ContactStore, policy: any NormalizationPolicy
    ) async throws -> ExitStatus {
        let resolver = IdentityResolver(store: store, policy: policy)
        let contact: ConsolidatedContact?
        let what: String
        do {
            if let id {
                contact = try await resolver.contact(id: id)
                what = "id \(id)"
            } else if let email {
                contact = try await resolver.contact(email: email)
                what = "email \(email.debugDescription)"
            } else {
                contact = try await resolver.contact(phoneNumber: phone ?? "")
                what = "phone number \((phone ?? "").debugDescription)"
            }
        } catch let error as InputError {
            Console.error(error.description)
            return .failure
        }
        guard let contact else {
            Console.error("no live contact has \(what)")
            return .failure
        }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        JSONWriter.appendResponse(contact, to: &output.bytes)
        try output.endLine()
        try output.flush()
        return .success
    }
}
