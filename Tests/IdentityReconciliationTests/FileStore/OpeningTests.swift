import Foundation
import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// Opening: locks, modes, typed errors for paths that are not stores, read-only use,
/// closing, and `verify()`.
@Suite("File store opening")
struct OpeningTests {
    @Test func secondOpenerInTheSameProcessIsLockedOut() throws {
        let directory = try TemporaryDirectory()
        let first = try FileContactStore(path: directory.file())
        #expect(code { try FileContactStore(path: directory.file()) } == .alreadyLocked)
        #expect(code { try FileContactStore(path: directory.file(), mode: .readOnly) } == .alreadyLocked)
        try first.close()
        let second = try FileContactStore(path: directory.file())
        try second.close()
    }

    @Test func readersShareTheFileButExcludeWriters() throws {
        let directory = try TemporaryDirectory()
        try FileContactStore(path: directory.file()).close()
        let reader = try FileContactStore(path: directory.file(), mode: .readOnly)
        let other = try FileContactStore(path: directory.file(), mode: .readOnly)
        #expect(code { try FileContactStore(path: directory.file()) } == .alreadyLocked)
        try reader.close()
        try other.close()
    }

    /// Another process (the crash helper) cannot open a store this process has open.
    @Test func secondOpenerInAnotherProcessIsLockedOut() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CrashTests.helperPath))
        let directory = try TemporaryDirectory()
        let requests = directory.file("requests.txt")
        try "a@x.io\t1\n".write(toFile: requests, atomically: false, encoding: .utf8)
        let store = try FileContactStore(path: directory.file())
        let locked = try await CrashTests.runHelper(
            storePath: directory.file(), requestsPath: requests, from: 0, killAfterAcks: nil, extraMicroseconds: 0)
        #expect(!locked.finished)
        #expect(locked.errors.contains { $0.contains("alreadyLocked") }, "\(locked.errors)")
        try store.close()
        let free = try await CrashTests.runHelper(
            storePath: directory.file(), requestsPath: requests, from: 0, killAfterAcks: nil, extraMicroseconds: 0)
        #expect(free.finished, "\(free.errors)")
    }

    /// Corrections in a group that only links hold together replay when the file is opened
    /// again: the checks of the replayed plans see the links of the group's values. The file
    /// is copied while the store is open, as a crash would leave it (closing would compact
    /// it, after a forget).
    @Test func correctionsInAGroupHeldByLinksReplayOnOpening() async throws {
        let directory = try TemporaryDirectory()
        // Erased values are not purged, so that the forget stays a plan in the journal.
        var options = FileContactStore.Options(durability: .immediate)
        options.purgesErasedValues = false
        let store = try FileContactStore(path: directory.file(), options: options)
        defer { try? store.close() }
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
        for (email, phoneNumber) in [
            ("a@x.io", "1"), ("b@x.io", "2"), ("c@x.io", "3"), ("a@x.io", "2"), ("c@x.io", "1"),
        ] {
            _ = try await resolver.identify(email: email, phoneNumber: phoneNumber)
        }
        // Rows 1 (a, 1), 2 (b, 2) and 3 (c, 3) share no value: the links (a, 2) and (c, 1) join them.
        _ = try await resolver.identify(email: "d@x.io", phoneNumber: "1")
        _ = try await resolver.delete(contactID: 4)
        _ = try await resolver.forget(email: "b@x.io")
        let (rows, links) = (try await resolver.allContacts(), try await resolver.allLinks())
        #expect(links.count == 2)
        try FileManager.default.copyItem(atPath: directory.file(), toPath: directory.file("copy"))
        let copy = try FileContactStore(path: directory.file("copy"), options: options)
        defer { try? copy.close() }
        let again = IdentityResolver(store: copy)
        #expect(try await again.allContacts() == rows)
        #expect(try await again.allLinks() == links)
    }

    /// A clock that returns NaN used to have its date written, and the file then refused to
    /// open (`a date is not finite`): the plan check refuses the write instead.
    @Test func aBrokenClockNeverMakesTheFileUnreadable() async throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file(), durability: .immediate)
        let broken = IdentityResolver(store: store, clock: ManualClock(start: Date(timeIntervalSince1970: .nan)))
        // Caught by hand: Swift Testing would reflect the error's plan, and Foundation's
        // `Date.description` traps on NaN.
        var refused = false
        do { _ = try await broken.identify(email: "a@x.io", phoneNumber: "1") } catch {
            refused = error is ContactStoreError
        }
        #expect(refused)
        _ = try await IdentityResolver(store: store).identify(email: "b@x.io", phoneNumber: "2")
        try store.close()
        let reopened = try FileContactStore(path: directory.file())
        defer { try? reopened.close() }
        #expect(try await IdentityResolver(store: reopened).allContacts().map(\.email) == ["b@x.io"])
    }

    @Test func newFilesAreCreatedWithMode0600() throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file())
        defer { try? store.close() }
        var info = stat()
        #expect(stat(directory.file(), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func pathsThatAreNotStoresGiveTypedErrors() throws {
        let directory = try TemporaryDirectory()
        #expect(code { try FileContactStore(path: directory.path) } == .isDirectory)
        #expect(code { try FileContactStore(path: directory.path, mode: .readOnly) } == .isDirectory)
        #expect(code { try FileContactStore(path: directory.file("missing"), mode: .readOnly) } == .notFound)
        #expect(code { try FileContactStore(path: directory.file("no/such/dir")) } == .notFound)

        try writeFile(directory.file("text"), Array("hello, this is not a contact store at all\n".utf8))
        #expect(code { try FileContactStore(path: directory.file("text")) } == .notAStoreFile)
        try writeFile(directory.file("short"), Array("hi".utf8))
        #expect(code { try FileContactStore(path: directory.file("short")) } == .notAStoreFile)
        // The text file was not changed by the failed open.
        #expect(try fileBytes(directory.file("text")) == Array("hello, this is not a contact store at all\n".utf8))

        var future = StoreFormat.header()
        future[8] = UInt8(StoreFormat.version + 1)
        try writeFile(directory.file("future"), future + [UInt8](repeating: 0, count: 64))
        #expect(code { try FileContactStore(path: directory.file("future")) } == .unsupportedVersion)

        var damagedHeader = StoreFormat.header()
        damagedHeader[20] = 1
        try writeFile(directory.file("header"), damagedHeader)
        let error = try #require(error { try FileContactStore(path: directory.file("header")) })
        #expect(error.code == .corrupted && error.offset == 0)
    }

    @Test func unreadableFileGivesPermissionDenied() throws {
        guard geteuid() != 0 else {
            print("skipped: running as root, which may read any file")
            return
        }
        let directory = try TemporaryDirectory()
        try FileContactStore(path: directory.file()).close()
        chmod(directory.file(), 0)
        #expect(code { try FileContactStore(path: directory.file()) } == .permissionDenied)
    }

    @Test func emptyFileAndCutCreationAreEmptyStores() async throws {
        let directory = try TemporaryDirectory()
        try writeFile(directory.file("empty"), [])
        let empty = try FileContactStore(path: directory.file("empty"))
        #expect(try await empty.allRows().isEmpty)
        try empty.close()
        try writeFile(directory.file("cut"), Array(StoreFormat.header().prefix(11)))
        let cut = try FileContactStore(path: directory.file("cut"))
        _ = try await IdentityResolver(store: cut).identify(email: "a@x.io", phoneNumber: nil)
        try cut.close()
        let reopened = try FileContactStore(path: directory.file("cut"), mode: .readOnly)
        #expect(try await reopened.allRows().count == 1)
    }

    @Test func readOnlyStoresReadAndRefuseWrites() async throws {
        let directory = try TemporaryDirectory()
        let writer = try FileContactStore(path: directory.file())
        _ = try await IdentityResolver(store: writer).identify(email: "a@x.io", phoneNumber: "1")
        try writer.close()
        let before = try fileBytes(directory.file())
        let reader = try FileContactStore(path: directory.file(), mode: .readOnly)
        let resolver = IdentityResolver(store: reader)
        #expect(try await resolver.contact(email: "a@x.io")?.primaryContactID == 1)
        await #expect(throws: FileContactStoreError.self) {
            _ = try await resolver.identify(email: "b@x.io", phoneNumber: nil)
        }
        #expect(code { try reader.compact() } == .readOnly)
        try reader.verify()
        try reader.sync()
        try reader.close()
        #expect(try fileBytes(directory.file()) == before)
    }

    @Test func readOnlyIgnoresATornTailWithoutTruncating() async throws {
        let directory = try TemporaryDirectory()
        let writer = try FileContactStore(path: directory.file())
        _ = try await IdentityResolver(store: writer).identify(email: "a@x.io", phoneNumber: "1")
        try writer.close()
        var bytes = try fileBytes(directory.file())
        let end = DamageTests.recordOffsets(bytes).last!
        bytes[end] = 7  // a torn record's first byte
        try writeFile(directory.file(), bytes)
        let reader = try FileContactStore(path: directory.file(), mode: .readOnly)
        #expect(reader.recovery == FileStoreRecovery(offset: end, discardedBytes: 1, truncated: false))
        #expect(try await reader.allRows().count == 1)
        try reader.verify()
        try reader.close()
        #expect(try fileBytes(directory.file()) == bytes)
        let writable = try FileContactStore(path: directory.file())
        #expect(writable.recovery == FileStoreRecovery(offset: end, discardedBytes: 1, truncated: true))
        try writable.close()
        let clean = try FileContactStore(path: directory.file())
        #expect(clean.recovery == nil)
        try clean.close()
    }

    @Test(arguments: FileContactStore.Durability.allCases)
    func closedStoresRefuseCalls(durability: FileContactStore.Durability) async throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file(), durability: durability)
        try store.close()
        try store.close()  // closing again does nothing
        #expect(code { try store.sync() } == .closed)
        #expect(code { try store.verify() } == .closed)
        await #expect(throws: FileContactStoreError.self) { _ = try await store.contacts(afterID: 0, limit: 1) }
        await #expect(throws: FileContactStoreError.self) {
            _ = try await IdentityResolver(store: store).identify(email: "a@x.io", phoneNumber: nil)
        }
    }

    /// `verify()` notices bytes changed behind the store's back.
    @Test("a reopened store links secondaries stored before their primary, before and after compaction")
    func reopenLinksSecondariesStoredBeforeTheirPrimary() async throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file())
        try await store.importContacts(
            ContactImport(
                contacts: InMemoryContactStoreTests.secondariesBeforePrimary,
                links: InMemoryContactStoreTests.secondariesBeforePrimaryLinks))
        let merged = try await IdentityResolver(store: store, clock: ManualClock(start: Fixture.at(100)))
            .identify(email: "q@x.io", phoneNumber: "401").contact
        #expect(merged.secondaryContactIDs == [4, 2, 3])
        try store.close()
        for compacting in [false, true] {
            let reopened = try FileContactStore(path: directory.file())
            if compacting { try reopened.compact() }
            #expect(try await IdentityResolver(store: reopened).contact(email: "s@x.io") == merged, "\(compacting)")
            try reopened.verify()
            try reopened.close()
        }
    }

    @Test func verifyFindsDamage() async throws {
        let directory = try TemporaryDirectory()
        let store = try FileContactStore(path: directory.file())
        let resolver = IdentityResolver(store: store)
        for index in 0..<20 {
            _ = try await resolver.identify(email: "p\(index)@x.io", phoneNumber: "\(index % 7)")
        }
        try store.verify()
        let descriptor = open(directory.file(), O_WRONLY)
        var byte: UInt8 = 0xFF
        #expect(pwrite(descriptor, &byte, 1, 100) == 1)
        Glibc.close(descriptor)
        #expect(code { try store.verify() } == .corrupted)
        try store.close()
    }
}

/// The code of the ``FileContactStoreError`` that `body` throws, or nil.
func code(_ body: () throws -> Any) -> FileContactStoreError.Code? {
    error(body)?.code
}

/// The ``FileContactStoreError`` that `body` throws, or nil.
func error(_ body: () throws -> Any) -> FileContactStoreError? {
    do {
        _ = try body()
        return nil
    } catch let error as FileContactStoreError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
