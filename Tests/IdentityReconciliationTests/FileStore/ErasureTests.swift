import Foundation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// Erased values leave the file store's bytes: after `forget` and `erase` return, after a
/// reopen, and after a power cut at any step of an erasure.
@Suite("File store erasure")
struct ErasureTests {
    /// Values no other row holds, long enough not to occur by chance in the file's bytes.
    static let secretEmail = "erase-me-7f3a9c@secret.example"
    static let secretPhone = "4915550123987"
    static let otherSecretEmail = "forget-me-2b8d1e@secret.example"

    static func contains(_ bytes: [UInt8], _ value: String) -> Bool {
        let needle = Array(value.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Identifies a person holding the secrets (with a merge, so a link holds them too) and others.
    static func fill(_ resolver: IdentityResolver<FileContactStore>) async throws {
        _ = try await resolver.identify(email: "keep@x.io", phoneNumber: "111")
        _ = try await resolver.identify(email: secretEmail, phoneNumber: "222")
        _ = try await resolver.identify(email: otherSecretEmail, phoneNumber: secretPhone)
        _ = try await resolver.identify(email: secretEmail, phoneNumber: secretPhone)  // a merge and its link
        _ = try await resolver.identify(email: "keep2@x.io", phoneNumber: "111")
    }

    @Test("after forget and erase return, the file holds no byte of the erased values, before and after reopening")
    func erasedBytesLeaveTheFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        let store = try FileContactStore(path: path)
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
        try await Self.fill(resolver)
        #expect(Self.contains(try fileBytes(path), Self.secretEmail))
        let forgotten = try await resolver.forget(email: Self.otherSecretEmail)
        #expect(forgotten.contacts.count == 1)
        #expect(!Self.contains(try fileBytes(path), Self.otherSecretEmail))
        let person = try #require(try await resolver.contact(email: Self.secretEmail))
        let erased = try await resolver.erase(contactID: person.primaryContactID)
        #expect(erased.contacts.isEmpty)
        for value in [Self.secretEmail, Self.secretPhone, Self.otherSecretEmail] {
            #expect(!Self.contains(try fileBytes(path), value), "\(value) is still in the file")
        }
        try store.close()
        let reopened = try FileContactStore(path: path)
        try await InvariantChecker.check(store: reopened)
        #expect(try await IdentityResolver(store: reopened).contact(email: "keep@x.io") != nil)
        try reopened.close()
        for value in [Self.secretEmail, Self.secretPhone, Self.otherSecretEmail] {
            #expect(!Self.contains(try fileBytes(path), value), "\(value) is in the file after reopening")
        }
    }

    @Test("with purging off, erasures are batched: the bytes stay until purge(), and close() purges too")
    func batchedPurge() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file()
        var options = FileContactStore.Options()
        options.purgesErasedValues = false
        let store = try FileContactStore(path: path, options: options)
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
        try await Self.fill(resolver)
        _ = try await resolver.forget(phoneNumber: Self.secretPhone)
        #expect(Self.contains(try fileBytes(path), Self.secretPhone), "purged although batching was asked for")
        try store.purge()
        #expect(!Self.contains(try fileBytes(path), Self.secretPhone))
        _ = try await resolver.forget(email: Self.secretEmail)
        #expect(Self.contains(try fileBytes(path), Self.secretEmail))
        try store.close()
        #expect(!Self.contains(try fileBytes(path), Self.secretEmail), "close() did not purge")
    }

    /// The erasure cut by a power loss after every operation: a reopened store either shows
    /// no erasure (it was never acknowledged) or shows it and holds none of its bytes; a
    /// read-only open of a file whose purge was cut refuses with `purgePending`.
    @Test(arguments: [FileContactStore.Durability.immediate, .grouped])
    func powerCutDuringErasure(durability: FileContactStore.Durability) async throws {
        let path = "/sim/contacts.store"
        func run(on fileSystem: any FileSystem) async -> (acknowledged: Bool, error: (any Error)?) {
            do {
                let store = try FileContactStore(
                    path: path, options: .init(durability: durability), fileSystem: fileSystem)
                let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
                try await Self.fill(resolver)
                _ = try await resolver.erase(contactID: 2)
                try store.close()
                return (true, nil)
            } catch {
                return (false, error)
            }
        }
        let counting = FaultInjectingFileSystem(base: SimulatedFileSystem())
        let full = await run(on: counting)
        try #require(full.error == nil, "\(String(describing: full.error))")
        var shownErased = 0
        var shownWhole = 0
        for cut in 0..<counting.operationCount {
            let disk = SimulatedFileSystem()
            let faulty = FaultInjectingFileSystem(base: disk, faultAt: cut, fault: .stopAfter)
            let outcome = await run(on: faulty)
            for policy in [SimulatedFileSystem.UnsyncedPolicy.none, .random(seed: UInt64(cut) + 1)] {
                let after = disk.powerCut(keeping: policy)
                guard after.contents(path) != nil else { continue }  // cut before the file existed
                let bytesBefore = after.contents(path)!
                let pending = Self.contains(bytesBefore, Self.secretEmail)
                if pending,
                    let readOnly = try? FileContactStore(path: path, options: .init(mode: .readOnly), fileSystem: after)
                {
                    // A read-only store may open only a file that shows no erasure.
                    let rows = try await readOnly.allRows()
                    #expect(rows.contains { $0.email == Self.secretEmail }, "cut \(cut): read-only showed the erasure")
                    try readOnly.close()
                }
                let store: FileContactStore
                do {
                    store = try FileContactStore(path: path, options: .init(), fileSystem: after)
                } catch {
                    Issue.record("cut \(cut): reopening failed: \(error)")
                    continue
                }
                let rows = try await store.allRows()
                let erased =
                    !rows.contains { $0.email == Self.secretEmail || $0.phoneNumber == Self.secretPhone }
                    && rows.contains { $0.id == 2 }
                if outcome.acknowledged { #expect(erased, "cut \(cut): an acknowledged erasure is missing") }
                if erased {
                    shownErased += 1
                    let bytes = try #require(after.contents(path))
                    for value in [Self.secretEmail, Self.secretPhone] {
                        #expect(
                            !Self.contains(bytes, value), "cut \(cut): the store shows the erasure but holds \(value)")
                    }
                } else {
                    shownWhole += 1
                }
                try await InvariantChecker.check(store: store)
                try store.close()
            }
        }
        // The cuts reach both sides of the erasure.
        #expect(shownErased > 0 && shownWhole > 0, "erased \(shownErased), whole \(shownWhole)")
    }
}
