import ArgumentParser
import IdentityReconciliation

/// `reconcile apply`: identify requests and corrections from standard input, one result line each.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply identify requests and corrections (delete, forget, erase) from JSON lines.",
        discussion: """
            Reads one JSON object per line from standard input and writes exactly one line per
            input line, in order. A line is an identify request, as `reconcile identify` reads it
            (optionally with "op":"identify"), or a correction:
              {"op":"delete","id":N}              soft-delete a row
              {"op":"forget","email":"E"}         forget an email everywhere
              {"op":"forget","phoneNumber":"P"}   forget a phone number everywhere
              {"op":"erase","id":N}               erase the person of a row
            An identify writes the response body {"contact":{…}}; a correction writes the people
            it left behind, ordered by primary id (none after an erasure):
              {"contacts":[{"primaryContatctId":1,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}]}
            A line that fails writes nothing to the store and does not stop the run; its output is
              {"error":{"line":N,"code":"…","message":"…"}}
            with the codes of `reconcile identify` and contact_not_found, email_not_found,
            phone_number_not_found. Without --store the store is in memory.

            Exit status: 0 when every line succeeded, 1 when some lines were errors,
            2 on usage or store errors.
            """
    )

    @OptionGroup var store: OptionalStoreOptions
    @OptionGroup var policy: PolicyOption
    @OptionGroup var protection: ProtectionOptions

    @Flag(help: "Write and flush each result before reading the next line (to drive the tool line by line).")
    var lineBuffered = false

    func run() async throws {
        try await StoreSession.using(store.options) { session in
            try await Self.applyLines(
                store: session.store, policy: policy.policy.policy, protection: protection, session: session,
                lineBuffered: lineBuffered)
        }.end()
    }

    private static func applyLines(
        store: some ContactStore, policy: any NormalizationPolicy, protection: ProtectionOptions,
        session: StoreSession, lineBuffered: Bool
    ) async throws -> ExitStatus {
        let resolver = IdentityResolver(store: store, policy: policy, protection: try protection.protection())
        let answers = LineAnswers(lineBuffered: lineBuffered)
        try await answers.run(decode: ApplyLineDecoder.decode) { line, output in
            switch line {
            case .identify(let request):
                let identification = try await resolver.identify(request)
                protection.appendAnswer(identification, to: &output.bytes)
            case .correct(let request):
                let correction = try await request.run(on: resolver)
                WireCodec.appendContacts(correction.contacts, to: &output.bytes)
            }
        }
        try session.sync()
        return answers.errors == 0 ? .success : .failure
    }
}
