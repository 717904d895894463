import IdentityReconciliation
import IdentityReconciliationTestSupport
import Synchronization
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A store that breaks the ``ContactStore`` contract in every way at once: the resolver must
/// return or throw one of its own typed errors on every call, never crash or hang.
@Suite("A store that breaks its contract")
struct ContractBreakingStoreTests {
    /// The resolver's operations, each run against ``RandomRowsStore``.
    enum Operation: String, CaseIterable, CustomTestStringConvertible {
        case identify, contact, delete, forget, erase, explain, report, allContacts

        var testDescription: String { rawValue }
    }

    @Test(
        "every operation returns or throws a typed error, whatever rows the store returns",
        arguments: Operation.allCases)
    func everyOperationReturnsOrThrows(operation: Operation) async throws {
        let store = RandomRowsStore(seed: UInt64(operation.rawValue.utf8.count) * 7_919)
        let resolver = IdentityResolver(store: store)
        var outcomes: [String: Int] = [:]
        for _ in 0..<20_000 {
            let email = store.pick(RandomRowsStore.emails)
            let id = store.pick(RandomRowsStore.ids)
            do {
                switch operation {
                case .identify:
                    _ = try await resolver.identify(email: email, phoneNumber: store.pick(RandomRowsStore.phones))
                case .contact:
                    switch id & 3 {
                    case 0: _ = try await resolver.contact(email: email ?? "a@x.io")
                    case 1: _ = try await resolver.contact(phoneNumber: store.pick(RandomRowsStore.phones) ?? "1")
                    default: _ = try await resolver.contact(id: id)
                    }
                case .delete: _ = try await resolver.delete(contactID: id)
                case .forget: _ = try await resolver.forget(email: email ?? "a@x.io")
                case .erase: _ = try await resolver.erase(contactID: id)
                case .explain: _ = try await resolver.explain(contactID: id, to: store.pick(RandomRowsStore.ids))
                case .report: _ = try await resolver.report()
                case .allContacts: _ = try await resolver.allContacts()
                }
                outcomes["returned", default: 0] += 1
            } catch is ContactStoreError {
                outcomes["ContactStoreError", default: 0] += 1
            } catch is CorrectionError {
                outcomes["CorrectionError", default: 0] += 1
            } catch is ExplainError {
                outcomes["ExplainError", default: 0] += 1
            } catch is InputError {
                outcomes["InputError", default: 0] += 1
            } catch {
                Issue.record("\(operation): an error that is not the library's: \(error)")
            }
        }
        // The random rows break the contract often enough that some calls must be refused.
        #expect(outcomes["returned", default: 0] < 20_000, "\(outcomes)")
    }

    @Test(
        "a lookup refuses a read that is not one group holding what it selected",
        arguments: [
            (
                [Fixture.primary(1, "a@x.io", "1", at: 0), Fixture.primary(2, "a@x.io", "2", at: 1)], "a@x.io",
                "read(_:) returned contacts of two groups (primaries 1 and 2) for one lookup"
            ),
            (
                [Fixture.primary(1, "a@x.io", "1", at: 0), Fixture.primary(1, "a@x.io", "1", at: 0)], "a@x.io",
                "read(_:) returned contact 1 more than once"
            ),
            (
                [Fixture.secondary(2, "a@x.io", "1", of: 1, at: 0)], "a@x.io",
                "read(_:) returned the group of contact 1 without that primary"
            ),
            (
                [Fixture.primary(1, "b@x.io", "1", at: 0)], "a@x.io",
                "read(_:) returned a group holding nothing the lookup selected"
            ),
            (
                [Fixture.primary(1, "a@x.io", "1", at: 0, deletedAt: 1)], "a@x.io",
                "read(_:) returned the deleted contact 1 for a lookup"
            ),
            (
                [
                    Contact(
                        id: 1, email: "a@x.io", phoneNumber: "1", linkedId: 2, linkPrecedence: .primary,
                        createdAt: Fixture.at(0), updatedAt: Fixture.at(0)),
                    Fixture.primary(2, "b@x.io", "1", at: 1),
                ], "a@x.io", "read(_:) returned contact 1, a primary linked to another row"
            ),
        ] as [([Contact], String, String)])
    func lookupsRefuseBrokenGroups(rows: [Contact], email: String, message: String) async throws {
        let store = RandomRowsStore(seed: 1, fixedRows: rows)
        let error = await #expect(throws: ContactStoreError.self) {
            try await IdentityResolver(store: store).contact(email: email)
        }
        #expect(error == .contractViolation(message))
    }

    @Test("a lookup answers for a well-formed group")
    func lookupsAnswerForAGroup() async throws {
        let store = RandomRowsStore(
            seed: 1,
            fixedRows: [Fixture.primary(1, "a@x.io", "1", at: 0), Fixture.secondary(2, "b@x.io", "1", of: 1, at: 1)])
        let resolver = IdentityResolver(store: store)
        let expected = ConsolidatedContact(
            primaryContactID: 1, emails: ["a@x.io", "b@x.io"], phoneNumbers: ["1"], secondaryContactIDs: [2])
        #expect(try await resolver.contact(email: "b@x.io") == expected)
        #expect(try await resolver.contact(phoneNumber: "1") == expected)
        #expect(try await resolver.contact(id: 2) == expected)
    }

    @Test("explain refuses a group read that holds a row twice, instead of trapping")
    func explainRefusesRepeatedRows() async throws {
        let row = Fixture.primary(1, "a@x.io", "1", at: 0)
        let store = RandomRowsStore(seed: 1, fixedRows: [row, Fixture.secondary(2, "b@x.io", "1", of: 1, at: 1), row])
        let error = await #expect(throws: ContactStoreError.self) {
            try await IdentityResolver(store: store).explain(contactID: 2, to: 1)
        }
        #expect(error == .contractViolation("read(_:) returned contact 1 more than once"))
    }
}

/// Returns random rows and links from every read (ids repeated, out of range or missing,
/// precedence and `linkedId` disagreeing, dates not a number or far outside the valid years),
/// and random ids for inserted rows; persists nothing. With `fixedRows`, every read and page
/// returns those rows instead.
final class RandomRowsStore: ContactStore {
    static let emails: [String?] = [nil, "a@x.io", "b@x.io", "c@x.io", ""]
    static let phones: [String?] = [nil, "1", "2", "3", ""]
    static let ids = [1, 2, 3, 4, 5, 6, 7, 0, -1, Int.max, Int.min]
    static let seconds = [0, 1, 2, 3, Double.nan, .infinity, -.infinity, 1e300, -1e300]

    private let state: Mutex<UInt64>
    private let fixedRows: [Contact]?

    init(seed: UInt64, fixedRows: [Contact]? = nil) {
        state = Mutex(seed | 1)
        self.fixedRows = fixedRows
    }

    /// xorshift64: the same sequence for the same seed.
    func next() -> UInt64 {
        state.withLock { state in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    func pick<Element>(_ elements: [Element]) -> Element { elements[Int(next() % UInt64(elements.count))] }

    private func date() -> Date { Date(timeIntervalSince1970: pick(Self.seconds)) }

    private func rows() -> [Contact] {
        if let fixedRows { return fixedRows }
        return (0..<Int(next() % 6)).map { _ in
            Contact(
                id: pick(Self.ids), email: pick(Self.emails), phoneNumber: pick(Self.phones),
                linkedId: next() % 3 == 0 ? nil : pick(Self.ids),
                linkPrecedence: next() % 2 == 0 ? .primary : .secondary,
                createdAt: date(), updatedAt: date(), deletedAt: next() % 4 == 0 ? date() : nil)
        }
    }

    private func randomLinks() -> [ContactLink] {
        (0..<Int(next() % 3)).map { _ in
            ContactLink(email: pick(["a@x.io", "b@x.io", ""]), phoneNumber: pick(["1", "2", ""]), createdAt: date())
        }
    }

    func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        SelectedContacts(rows: rows(), links: randomLinks())
    }

    func transaction(
        reading selection: ContactSelection, _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        let checked = try plan(SelectedContacts(rows: rows(), links: randomLinks()))
        return ContactStoreReceipt(plan: checked, insertedIDs: (0..<checked.insertCount).map { _ in pick(Self.ids) })
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] { rows() }

    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] { randomLinks() }

    func importContacts(_ contacts: ContactImport) async throws {}
}
