import ArgumentParser

/// `reconcile forget`: removes an email or a phone number from every row, splitting the people it joined.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Forget an email or a phone number everywhere, splitting the people it had joined.",
        discussion: """
            Every row holding the value (normalized by the policy), live or deleted, loses it; a
            live row left with neither value is deleted; links holding it are dropped, and the
            people it had joined are split apart exactly as if it had never been seen, unless
            other evidence joins them. This is both a per-identifier erasure request and the
            repair for a junk value (a shop's own phone number, 0000000000) that merged strangers.
            The value has left the store's file when the command returns (the file is rewritten;
            the file system may keep freed blocks).
            """ + "\n\n" + CorrectionRequest.resultDiscussion
    )

    @OptionGroup var store: RequiredStoreOption

    @Option(help: ArgumentHelp("The email to forget.", valueName: "email"))
    var email: String?

    @Option(help: ArgumentHelp("The phone number to forget.", valueName: "phone"))
    var phone: String?

    @OptionGroup var policy: PolicyOption

    func validate() throws {
        guard (email == nil) != (phone == nil) else { throw ValidationError("give exactly one of --email and --phone") }
    }

    func run() async throws {
        let request: CorrectionRequest = if let email { .forgetEmail(email) } else { .forgetPhoneNumber(phone ?? "") }
        try await request.runCommand(store: store.store, policy: policy.policy.policy).end()
    }
}
