import ArgumentParser

/// `reconcile erase`: erases a person (GDPR Art. 17), leaving tombstones.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person: every row of theirs loses its values and is deleted.",
        discussion: """
            Every live row of the person of row N loses its email and phone number and is
            deleted; deleted rows holding one of their values or linked to one of their rows lose
            their values too, and the person's links are dropped. The rows stay as tombstones
            (id, links, timestamps, deletedAt), so ids are never reused. The erased values have
            left the store's file when the command returns (the file is rewritten; the file
            system may keep freed blocks). The result lists no contacts: {"contacts":[]}.
            """ + "\n\n" + CorrectionRequest.resultDiscussion
    )

    @OptionGroup var store: RequiredStoreOption
    @OptionGroup var id: ContactIDOption

    func run() async throws {
        try await CorrectionRequest.erase(contactID: id.id).runCommand(
            store: store.store, policy: PolicyChoice.standard.policy
        ).end()
    }
}
