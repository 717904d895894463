import ArgumentParser
import Foundation
import IdentityReconciliation
import Logging

/// `--block-*`, `--max-*` and `--priority`: the ``GraphProtection`` of the server's resolver,
/// the same flags as `reconcile identify`.
struct ProtectionOptions: ParsableArguments {
    /// The presets `--block-preset` accepts.
    enum Preset: String, CaseIterable, ExpressibleByArgument {
        /// ``BlockedValues/common``.
        case common
    }

    @Option(
        help: ArgumentHelp(
            "Ignore the common placeholder values (null, 0000000000, test@test.com, …).", valueName: "preset"))
    var blockPreset: Preset?

    @Option(help: ArgumentHelp("Ignore this email (compared after normalization). Repeatable.", valueName: "email"))
    var blockEmail: [String] = []

    @Option(
        help: ArgumentHelp("Ignore this phone number (compared after normalization). Repeatable.", valueName: "phone"))
    var blockPhone: [String] = []

    @Option(
        help: ArgumentHelp(
            "Ignore the values of a file of lines 'email:VALUE' or 'phoneNumber:VALUE' (blank lines and lines starting with # are skipped); read once at start.",
            valueName: "path"))
    var blockFile: String?

    @Option(help: ArgumentHelp("The most distinct emails one person may hold (at least 1).", valueName: "n"))
    var maxEmails: Int?

    @Option(help: ArgumentHelp("The most distinct phone numbers one person may hold (at least 1).", valueName: "n"))
    var maxPhoneNumbers: Int?

    @Option(help: "The field kept when a request would exceed a limit: email or phoneNumber.")
    var priority: ContactField = .email

    func validate() throws {
        _ = try protection()
    }

    /// The protection the options describe.
    ///
    /// - Throws: `ValidationError` naming the option, or the file and line, at fault.
    func protection() throws -> GraphProtection {
        var blocked = blockPreset == .common ? BlockedValues.common : BlockedValues.none
        blocked.emails.formUnion(blockEmail)
        blocked.phoneNumbers.formUnion(blockPhone)
        if let blockFile {
            let text: String
            do {
                text = try String(contentsOfFile: blockFile, encoding: .utf8)
            } catch {
                throw ValidationError("--block-file \(blockFile): cannot read it (\(error.localizedDescription))")
            }
            do {
                blocked = blocked.union(try BlockedValues(blockList: text))
            } catch {
                throw ValidationError("--block-file \(blockFile), \(error)")
            }
        }
        do {
            let limits = try GroupLimits(maxEmails: maxEmails, maxPhoneNumbers: maxPhoneNumbers, priority: priority)
            return GraphProtection(blockedValues: blocked, limits: limits)
        } catch {
            throw ValidationError("--\(error.field == .email ? "max-emails" : "max-phone-numbers"): \(error)")
        }
    }

    /// The metadata of the start-up log line saying what the protection does.
    static func logMetadata(of protection: GraphProtection) -> Logger.Metadata {
        let blocked = protection.blockedValues
        let limits = protection.limits
        let rules = (blocked.emailRules + blocked.phoneNumberRules).map(\.name)
        return [
            "blocked_emails": "\(blocked.emails.count)", "blocked_phone_numbers": "\(blocked.phoneNumbers.count)",
            "block_rules": "\(rules.isEmpty ? "none" : rules.joined(separator: ", "))",
            "max_emails": "\(limits.maxEmails.map(String.init) ?? "none")",
            "max_phone_numbers": "\(limits.maxPhoneNumbers.map(String.init) ?? "none")",
            "priority": "\(limits.priority)",
        ]
    }
}

// A String enum listing every case: ArgumentParser's default implementation parses and lists
// it. Only this executable parses it, so no other conformance can conflict.
extension ContactField: @retroactive ExpressibleByArgument {}
