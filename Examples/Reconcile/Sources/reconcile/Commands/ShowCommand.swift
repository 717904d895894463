import ArgumentParser
import IdentityReconciliation

/// `reconcile show`: the consolidated contact for an id, an email or a phone number.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the consolidated contact of one person, without writing anything.",
        discussion: """
            Prints the response body {"contact":{…}} of the group that holds the live row with
            this id, email or phone number (normalized by the policy). Exits with status 1 and a
            message when nothing matches.
            """
    )

    @OptionGroup var store: RequiredStoreOption

    // Unconditional, so that `--id -3` is refused as a non-positive id, not as a missing value.
    @Option(parsing: .unconditional, help: ArgumentHelp("A contact id (of any row of the group).", valueName: "n"))
    var id: Int?

    @Option(help: ArgumentHelp("An email of the person.", valueName: "email"))
    var email: String?

    @Option(help: ArgumentHelp("A phone number of the person.", valueName: "phone"))
    var phone: String?

    @OptionGroup var policy: PolicyOption

    func validate() throws {
        if let id, id <= 0 { throw ValidationError("--id must be a positive integer, not '\(id)'") }
        guard [id != nil, email != nil, phone != nil].count(where: { $0 }) == 1 else {
            throw ValidationError("give exactly one of --id, --email and --phone")
        }
    }

    func run() async throws {
        let session = try StoreSession.open(StoreOptions(path: store.store, readOnly: true, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        defer { try? session.close() }
        try await Self.show(
            id: id, email: email, phone: phone, store: session.store, policy: policy.policy.policy
        ).end()
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
        WireCodec.appendResponse(contact, to: &output.bytes)
        try output.endLine()
        try output.flush()
        return .success
    }
}
