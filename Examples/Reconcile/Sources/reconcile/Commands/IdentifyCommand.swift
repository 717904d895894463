import ArgumentParser
import IdentityReconciliation

/// `reconcile identify`: one request from options, or JSON lines from standard input.
struct IdentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Identify people from requests, creating, linking and merging contacts.",
        discussion: """
            With --email and/or --phone, identifies one request and prints its result.
            Without them, reads one JSON request per line from standard input, such as
              {"email": "lorraine@hillvalley.edu", "phoneNumber": "123456"}
            (phoneNumber as a string or an integer; absent or null fields allowed), and writes
            exactly one line per input line, in order: the response body
              {"contact":{"primaryContatctId":1,"emails":[…],"phoneNumbers":[…],"secondaryContactIds":[…]}}
            or, for a line that is not valid JSON or is refused by the policy,
              {"error":{"line":N,"code":"…","message":"…"}}
            A bad line writes nothing to the store and does not stop the run.

            Exit status: 0 when every line succeeded, 1 when some lines were errors,
            2 on usage or store errors.
            """
    )

    @OptionGroup var store: OptionalStoreOptions
    @OptionGroup var policy: PolicyOption
    @OptionGroup var protection: ProtectionOptions

    @Option(help: ArgumentHelp("Identify one request with this email.", valueName: "email"))
    var email: String?

    @Option(help: ArgumentHelp("Identify one request with this phone number.", valueName: "phone"))
    var phone: String?

    @Flag(help: "Write and flush each result before reading the next line (to drive the tool line by line).")
    var lineBuffered = false

    @Flag(help: "Print a summary (requests, rows created, merges, errors, rate) to stderr.")
    var stats = false

    func run() async throws {
        let policy = policy.policy.policy
        try await StoreSession.using(store.options) { session in
            if email != nil || phone != nil {
                try await Self.identifyOne(
                    email: email, phoneNumber: phone, store: session.store, policy: policy, protection: protection)
            } else {
                try await Self.identifyLines(
                    store: session.store, policy: policy, protection: protection, session: session,
                    lineBuffered: lineBuffered, showStats: stats)
            }
        }.end()
    }

    private static func identifyOne(
        email: String?, phoneNumber: String?, store: some ContactStore, policy: any NormalizationPolicy,
        protection: ProtectionOptions
    ) async throws -> ExitStatus {
        let resolver = IdentityResolver(store: store, policy: policy, protection: try protection.protection())
        let identification: Identification
        do {
            identification = try await resolver.identify(email: email, phoneNumber: phoneNumber)
        } catch let error as InputError {
            Console.error(error.description)
            return .failure
        }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        protection.appendAnswer(identification, to: &output.bytes)
        try output.endLine()
        try output.flush()
        return .success
    }

    private static func identifyLines(
        store: some ContactStore, policy: any NormalizationPolicy, protection: ProtectionOptions,
        session: StoreSession, lineBuffered: Bool, showStats: Bool
    ) async throws -> ExitStatus {
        let resolver = IdentityResolver(store: store, policy: policy, protection: try protection.protection())
        let answers = LineAnswers(lineBuffered: lineBuffered)
        var stats = BatchStats()
        defer {
            if showStats {
                stats.requests = answers.lines
                stats.errors = answers.errors
                Console.error(stats.summary)
            }
        }
        try await answers.run(decode: decode) { request, output in
            let identification = try await resolver.identify(request)
            stats.record(identification)
            protection.appendAnswer(identification, to: &output.bytes)
        }
        try session.sync()
        return answers.errors == 0 ? .success : .failure
    }

    private static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(LineFailure) -> IdentifyRequest {
        do {
            return try WireCodec.decodeRequest(UnsafeRawBufferPointer(line))
        } catch {
            throw LineFailure(error)
        }
    }
}
