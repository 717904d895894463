import ArgumentParser
import IdentityReconciliation

/// `reconcile explain`: the shortest chain of evidence between two rows of one person.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print why two rows are one person: the shortest chain of evidence between them.",
        discussion: """
            Prints one JSON line, each step from one live row to the next via a shared email, a
            shared phone number, or the link a merge recorded (its email, phone number and time):
              {"steps":[{"from":1,"to":3,"via":{"email":"…"}},
                        {"from":3,"to":2,"via":{"link":{"email":"…","phoneNumber":"…","createdAt":"…"}}}]}
            A phone number step is {"phoneNumber":"…"}; the same id twice gives {"steps":[]}.
            Writes nothing. When a row is not live, or the rows are different people, standard
            error gets `reconcile: CODE: MESSAGE`, with CODE contact_not_found or different_people.

            Exit status: 0 on success, 1 when there is no chain, 2 on usage or store errors.
            """
    )

    @OptionGroup var store: RequiredStoreOption
    @OptionGroup var id: ContactIDOption

    // Unconditional, so that `--to -3` is refused as a non-positive id, not as a missing value.
    @Option(parsing: .unconditional, help: ArgumentHelp("The id of the other live row.", valueName: "n"))
    var to: Int

    func validate() throws {
        guard to > 0 else { throw ValidationError("--to must be a positive integer, not '\(to)'") }
    }

    func run() async throws {
        let session = try StoreSession.open(StoreOptions(path: store.store, readOnly: true, mustExist: true))
        if let note = session.openingNote { Console.error(note) }
        defer { try? session.close() }
        try await Self.explain(id.id, to: to, in: session.store).end()
    }

    private static func explain(_ id: Int, to otherID: Int, in store: some ContactStore) async throws -> ExitStatus {
        let steps: [EvidenceStep]
        do {
            steps = try await IdentityResolver(store: store).explain(contactID: id, to: otherID)
        } catch let error as ExplainError {
            let code =
                switch error {
                case .contactNotFound: "contact_not_found"
                case .differentPeople: "different_people"
                }
            Console.error("\(code): \(error)")
            return .failure
        }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        WireCodec.appendExplanation(steps, to: &output.bytes)
        try output.endLine()
        try output.flush()
        return .success
    }
}
