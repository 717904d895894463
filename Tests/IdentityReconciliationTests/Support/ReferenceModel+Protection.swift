import IdentityReconciliation
import IdentityReconciliationTesting

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A random ``GraphProtection`` over the property test's small alphabets, kept in a form the
/// reference model applies on its own terms.
struct ReferenceProtection {
    /// Blocked emails and phone numbers, normalized.
    var emails: Set<String> = []
    var phoneNumbers: Set<String> = []
    /// The one phone number the rule `phone rule` blocks, if any.
    var rulePhoneNumber: String?
    var maxEmails: Int?
    var maxPhoneNumbers: Int?
    var priority: ContactField = .email

    /// A random protection over `emails` and `phoneNumbers` (normalized values).
    init(random: inout SplitMix64, emails allEmails: [String], phoneNumbers allPhoneNumbers: [String]) {
        emails = Set(allEmails.filter { _ in Int.random(in: 0..<5, using: &random) == 0 })
        phoneNumbers = Set(allPhoneNumbers.filter { _ in Int.random(in: 0..<5, using: &random) == 0 })
        if Bool.random(using: &random) { rulePhoneNumber = allPhoneNumbers.randomElement(using: &random) }
        if Int.random(in: 0..<4, using: &random) != 0 { maxEmails = Int.random(in: 1...3, using: &random) }
        if Int.random(in: 0..<4, using: &random) != 0 { maxPhoneNumbers = Int.random(in: 1...3, using: &random) }
        priority = Bool.random(using: &random) ? .email : .phoneNumber
    }

    /// The same protection for the library, its exact values spelled otherwise (the resolver normalizes them).
    func graphProtection() throws -> GraphProtection {
        let rulePhoneNumber = self.rulePhoneNumber
        return GraphProtection(
            blockedValues: BlockedValues(
                emails: Set(emails.map { " \($0.uppercased())" }), phoneNumbers: Set(phoneNumbers.map { "(\($0))" }),
                phoneNumberRules: rulePhoneNumber.map { value in [BlockRule("phone rule") { $0 == value }] } ?? []),
            limits: try GroupLimits(maxEmails: maxEmails, maxPhoneNumbers: maxPhoneNumbers, priority: priority))
    }
}

extension ReferenceModel {
    /// Applies one valid, normalized request under a protection: blocked values are taken
    /// out; then the request is applied to a copy of the model, and when the person it
    /// leaves holds more values of a field than its limit and than any group it was made of
    /// held, the copy is thrown away and the request without its lower-priority field is
    /// applied instead.
    mutating func identify(
        email: String?, phoneNumber: String?, now: Date, protection: ReferenceProtection
    ) -> Result<Identification, InputError> {
        var ignored: [IgnoredValue] = []
        var email = email
        var phoneNumber = phoneNumber
        if let value = email, protection.emails.contains(value) {
            ignored.append(IgnoredValue(field: .email, value: value, reason: .blocked))
            email = nil
        }
        if let value = phoneNumber, protection.phoneNumbers.contains(value) {
            ignored.append(IgnoredValue(field: .phoneNumber, value: value, reason: .blocked))
            phoneNumber = nil
        } else if let value = phoneNumber, value == protection.rulePhoneNumber {
            ignored.append(IgnoredValue(field: .phoneNumber, value: value, reason: .matchedRule("phone rule")))
            phoneNumber = nil
        }
        guard email != nil || phoneNumber != nil else { return .failure(.allValuesBlocked(ignored)) }

        var trial = self
        var result = trial.identify(email: email, phoneNumber: phoneNumber, now: now)
        let before = [
            email.flatMap { contact(email: $0, phoneNumber: nil) },
            phoneNumber.flatMap { contact(email: nil, phoneNumber: $0) },
        ].compactMap { $0 }
        let exceeded = [
            (ContactField.email, protection.maxEmails, result.contact.emails.count, before.map(\.emails.count)),
            (
                .phoneNumber, protection.maxPhoneNumbers, result.contact.phoneNumbers.count,
                before.map(\.phoneNumbers.count)
            ),
        ].first { _, limit, after, before in
            limit.map { after > $0 && after > (before.max() ?? 0) } ?? false
        }
        if let (field, limit, _, _) = exceeded, let limit {
            let dropped = protection.priority.other
            ignored.append(
                IgnoredValue(
                    field: dropped, value: (dropped == .email ? email : phoneNumber)!,
                    reason: .groupLimit(field: field, limit: limit)))
            result =
                dropped == .email
                ? identify(email: nil, phoneNumber: phoneNumber, now: now)
                : identify(email: email, phoneNumber: nil, now: now)
        } else {
            self = trial
        }
        result.ignored = ignored
        return .success(result)
    }
}
