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
        let session = try StoreSession.open(store.options)
        if let note = session.openingNote { Console.error(note) }
        let status: ExitStatus
        do {
            if email != nil || phone != nil {
                status = try await Self.identifyOne(
                    email: email, phoneNumber: phone, store: session.store, policy: policy)
            } else {
                status = try await Self.identifyLines(
                    store: session.store, policy: policy, session: session,
                    lineBuffered: lineBuffered, showStats: stats)
            }
        } catch {
            try? session.close()
            throw error
        }
        try session.close()
        try status.end()
    }

    private static func identifyOne(
        email: String?, phoneNumber: String?, store: some ContactStore, policy: any NormalizationPolicy
    ) async throws -> ExitStatus {
        let resolver = IdentityResolver(store: store, policy: policy)
        let identification: Identification
        do {
            identification = try await resolver.identify(email: email, phoneNumber: phoneNumber)
        } catch let error as InputError {
            Console.error(error.description)
            return .failure
        }
        let output = OutputBuffer(descriptor: 1, name: "standard output")
        WireCodec.appendResponse(identification.contact, to: &output.bytes)
        try output.endLine()
        try output.flush()
        return .success
    }

    private static func identifyLines(
        store: some ContactStore, policy: any NormalizationPolicy, session: StoreSession,
        lineBuffered: Bool, showStats: Bool
    ) async throws -> ExitStatus {
        let resolver = IdentityResolver(store: store, policy: policy)
        let reader = LineReader(descriptor: 0, name: "standard input")
        let output = OutputBuffer(descriptor: 1, name: "standard output", lineBuffered: lineBuffered)
        var stats = BatchStats()
        var progress = ProgressMeter(counting: "lines")
        defer {
            progress.finish()
            if showStats { Console.error(stats.summary) }
        }
        do {
            while let decoded = try reader.next(decode) {
                let line = reader.lineNumber
                stats.requests += 1
                switch decoded {
                case .success(let request):
                    do {
                        let identification = try await resolver.identify(request)
                        stats.record(identification.outcome)
                        WireCodec.appendResponse(identification.contact, to: &output.bytes)
                    } catch let error as InputError {
                        stats.errors += 1
                        LineFailure(error).append(line: line, to: &output.bytes)
                    }
                case .failure(let failure):
                    stats.errors += 1
                    failure.append(line: line, to: &output.bytes)
                }
                try output.endLine()
                progress.update(line)
            }
        } catch {
            // The lines answered so far are true: write them before reporting the failure.
            try? output.flush()
            throw error
        }
        try output.flush()
        try session.sync()
        return stats.errors == 0 ? .success : .failure
    }

    private static func decode(_ line: LineReader.Line) -> Result<IdentifyRequest, LineFailure> {
        switch line {
        case .tooLong:
            .failure(.lineTooLong)
        case .bytes(let bytes):
            Result { () throws(LineFailure) in
                do throws(WireCodecError) {
                    return try WireCodec.decodeRequest(UnsafeRawBufferPointer(bytes))
                } catch {
                    throw LineFailure(error)
                }
            }
        }
    }
}
