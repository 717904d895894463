/// `reconcile erase`: erases a person (GDPR Art. 17), leaving tombstones.
enum EraseCommand: Subcommand {
    static let spec = CommandSpec(
        name: "erase",
        abstract: "Erase a person: every row of theirs loses its values and is deleted.",
        usage: "--store PATH --id N",
        discussion: """
            Every live row of the person of row N loses its email and phone number and is
            deleted; deleted rows holding one of their values or linked to one of their rows lose
            their values too, and the person's links are dropped. The rows stay as tombstones
            (id, links, timestamps, deletedAt), so ids are never reused. The erased values have
            left the store's file when the command returns (the file is rewritten; the file
            system may keep freed blocks). The result lists no contacts: {"contacts":[]}.
            """ + "\n\n" + CorrectionRequest.resultDiscussion,
        options: [
            StoreOptions.requiredStoreOption,
            .init(name: "id", valueName: "N", help: "The id of any live row of the person."),
        ]
    )

    static func run(_ arguments: ParsedArguments) async throws -> ExitStatus {
        let path = try arguments.required("store", command: spec.name)
        guard let id = try arguments.positiveInteger("id", command: spec.name) else {
            throw UsageError("--id is required", command: spec.name)
        }
        return try await CorrectionRequest.erase(contactID: id).runCommand(
            store: path, policy: PolicyChoice.standard.policy)
    }
}
