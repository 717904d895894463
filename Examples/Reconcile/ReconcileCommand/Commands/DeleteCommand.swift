/// `reconcile delete`: soft-deletes one row and splits its person where nothing else joins them.
enum DeleteCommand: Subcommand {
    static let spec = CommandSpec(
        name: "delete",
        abstract: "Soft-delete one row, splitting its person where nothing else joins the rest.",
        usage: "--store PATH --id N",
        discussion: """
            The row gets deletedAt (it keeps its values, as a soft delete keeps history), links
            whose values no live row holds any more are dropped, and the person's remaining rows
            are regrouped: rows that shared only the deleted row's values become separate people,
            each with its oldest row as primary.
            """ + "\n\n" + CorrectionRequest.resultDiscussion,
        options: [
            StoreOptions.requiredStoreOption, .init(name: "id", valueName: "N", help: "The id of a live row."),
        ]
    )

    static func run(_ arguments: ParsedArguments) async throws -> ExitStatus {
        let path = try arguments.required("store", command: spec.name)
        guard let id = try arguments.positiveInteger("id", command: spec.name) else {
            throw UsageError("--id is required", command: spec.name)
        }
        return try await CorrectionRequest.delete(contactID: id).runCommand(
            store: path, policy: PolicyChoice.standard.policy)
    }
}
