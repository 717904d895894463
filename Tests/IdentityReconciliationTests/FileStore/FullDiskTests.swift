import Foundation
import IdentityReconciliationTestSupport
import Testing

@testable import IdentityReconciliation

/// A real full disk: a small tmpfs mounted for the test (needs root; skipped otherwise).
@Suite("File store full disk")
struct FullDiskTests {
    @Test(arguments: FileContactStore.Durability.allCases)
    func fillingATmpfs(durability: FileContactStore.Durability) async throws {
        let directory = try TemporaryDirectory(onDisk: true)
        let mountPoint = directory.file("tmpfs")
        try #require(mkdir(mountPoint, 0o700) == 0)
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=512k,mode=0700") == 0 else {
            print("skipped the real full-disk test: mounting a tmpfs failed: \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(mountPoint, Int32(MNT_DETACH)) }
        let path = mountPoint + "/contacts.store"
        var options = FileContactStore.Options(durability: durability)
        options.preallocationBytes = 4_096
        options.writeBufferBytes = 2_048
        let store = try FileContactStore(path: path, options: options)
        let resolver = IdentityResolver(store: store)
        let padding = String(repeating: "x", count: 200)
        var acknowledged = 0
        var failure: (any Error)?
        for index in 0..<100_000 {
            do {
                _ = try await resolver.identify(email: "\(index)-\(padding)@x.io", phoneNumber: nil)
                acknowledged += 1
                if durability == .deferred && index % 10 == 9 { try store.sync() }
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure as? FileContactStoreError, "\(String(describing: failure))")
        #expect(error.code == .diskFull, "\(error)")
        // Nothing more is accepted, reads included.
        await #expect(throws: FileContactStoreError.self) { _ = try await store.contacts(afterID: 0, limit: 1) }
        try? store.close()

        // Reopened on the still-full disk: every acknowledged change is there.
        let reopened = try FileContactStore(path: path, options: options)
        let rows = try await reopened.allRows()
        if durability == .deferred {
            #expect(rows.count >= acknowledged / 10 * 10 && rows.count <= acknowledged + 1)
        } else {
            #expect(rows.count >= acknowledged && rows.count <= acknowledged + 1)
        }
        try reopened.verify()
        // A compaction that cannot get the space fails before its rename and changes nothing;
        // one that finds the space (the compacted file can be smaller) changes no row either.
        do {
            try reopened.compact()
        } catch {
            #expect(error.code == .diskFull)
        }
        #expect(try await reopened.allRows() == rows)
        try reopened.close()
    }
}
