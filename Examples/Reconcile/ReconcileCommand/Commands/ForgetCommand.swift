/// `reconcile forget`: removes an email or a phone number from every row, splitting the people it joined.
enum ForgetCommand: Subcommand {
    static let spec = CommandSpec(
        name: "forget",
        abstract: "Forget an email or a phone number everywhere, splitting the people it had joined.",
        usage: "--store PATH (--email E | --phone P) [--policy POLICY]",
        discussion: """
            Every row holding the value (normalized by the policy), live or deleted, loses it; a
            live row left with neither value is deleted; links holding it are dropped, and the
            people it had joined are split apart exactly as if it had never been seen, unless
            other evidence joins them. This is both a per-identifier erasure request and the
            repair for a junk value (a shop's own phone number, 0000000000) that merged strangers.
            The value has left the store's file when the command returns (the file is rewritten;
            the file system may keep freed blocks).
            """ + "\n\n" + CorrectionRequest.resultDiscussion,
        options: [
            StoreOptions.requiredStoreOption,
            .init(name: "email", valueName: "EMAIL", help: "The email to forget."),
            .init(name: "phone", valueName: "PHONE", help: "The phone number to forget."),
            PolicyChoice.option,
        ]
    )

    static func run(_ arguments: ParsedArguments) async throws -> ExitStatus {
        let path = try arguments.required("store", command: spec.name)
        let request: CorrectionRequest
        switch (arguments[option: "email"], arguments[option: "phone"]) {
        case (let email?, nil): request = .forgetEmail(email)
        case (nil, let phone?): request = .forgetPhoneNumber(phone)
        default: throw UsageError("give exactly one of --email and --phone", command: spec.name)
        }
        let policy = arguments.choice("policy", default: PolicyChoice.standard).policy
        return try await request.runCommand(store: path, policy: policy)
    }
}
