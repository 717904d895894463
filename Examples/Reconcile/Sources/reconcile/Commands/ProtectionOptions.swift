import ArgumentParser
import Foundation
import IdentityReconciliation

/// `--block-*`, `--max-*` and `--priority`: the ``GraphProtection`` of `identify` and `apply`.
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
            "Ignore the values of a file of lines 'email:VALUE' or 'phoneNumber:VALUE' (blank lines and lines starting with # are skipped).",
            valueName: "path"))
    var blockFile: String?

    @Option(help: ArgumentHelp("The most distinct emails one person may hold (at least 1).", valueName: "n"))
    var maxEmails: Int?

    @Option(help: ArgumentHelp("The most distinct phone numbers one person may hold (at least 1).", valueName: "n"))
    var maxPhoneNumbers: Int?

    @Option(help: "The field kept when a request would exceed a limit: email or phoneNumber.")
    var priority: ContactField = .email

    @Flag(help: "Add an \"ignored\" member next to \"contact\" listing the values ignored or dropped.")
    var explainIgnored = false

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

    /// Appends the answer to an identify: the task's response body, with `"ignored"` when
    /// `--explain-ignored` is given and something was.
    func appendAnswer(_ identification: Identification, to output: inout [UInt8]) {
        WireCodec.appendResponse(identification.contact, to: &output)
        guard explainIgnored, !identification.ignored.isEmpty else { return }
        output.removeLast()  // the closing brace of {"contact":{…}}
        output.append(contentsOf: #","ignored":["#.utf8)
        for (index, ignored) in identification.ignored.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"field":"#.utf8)
            WireCodec.appendString(ignored.field.rawValue, to: &output)
            output.append(contentsOf: #","value":"#.utf8)
            WireCodec.appendString(ignored.value, to: &output)
            output.append(contentsOf: #","reason":"#.utf8)
            WireCodec.appendString(ignored.reason.description, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: "]}".utf8)
    }
}

extension ContactField: @retroactive ExpressibleByArgument {}
