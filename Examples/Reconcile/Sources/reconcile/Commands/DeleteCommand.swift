import ArgumentParser

/// `reconcile delete`: soft-deletes one row and splits its person where nothing else joins them.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Soft-delete one row, splitting its person where nothing else joins the rest.",
        discussion: """
            The row gets deletedAt (it keeps its values, as a soft delete keeps history), links
            whose values no live row holds any more are dropped, and the person's remaining rows
            are regrouped: rows that shared only the deleted row's values become separate people,
            each with its oldest row as primary.
            """ + "\n\n" + CorrectionRequest.resultDiscussion
    )

    @OptionGroup var store: RequiredStoreOption
    @OptionGroup var id: ContactIDOption

    func run() async throws {
        try await CorrectionRequest.delete(contactID: id.id).runCommand(
            store: store.store, policy: PolicyChoice.standard.policy
        ).end()
    }
}
