import Foundation
import IdentityReconciliationTesting
import Synchronization
import Testing

@testable import IdentityReconciliation

/// Under grouped durability, an identify that writes nothing waits for the sync of a change
/// to the group it read, and only for that.
@Suite("File store grouped reads")
struct GroupedReadTests {
    @Test("a read-only identify waits for its own group's unsynced change, not for other groups'")
    func readOnlyIdentifyWaitsOnlyForItsGroup() async throws {
        let disk = FaultInjectingFileSystem(base: SimulatedFileSystem())
        let store = try FileContactStore(
            path: "/sim/contacts.store", options: .init(durability: .grouped), fileSystem: disk)
        let resolver = IdentityResolver(store: store, clock: ManualClock(step: 1))
        _ = try await resolver.identify(email: "a@x.io", phoneNumber: "1")

        disk.holdSyncs(true)
        let write = Task { try await resolver.identify(email: "b@x.io", phoneNumber: "2") }
        while try await store.rows(matchingEmail: "b@x.io", phoneNumber: nil).isEmpty {
            try await Task.sleep(for: .milliseconds(1))
        }

        // Group a has no change in flight: the answer needs no sync. A watchdog lets the syncs
        // go after a while, so a wrong wait fails the test instead of hanging it; it guards
        // this one identify only, so a slow machine cannot fire it during the rest of the test.
        let released = Flag()
        let watchdog = Task {
            guard (try? await Task.sleep(for: .seconds(20))) != nil else { return }
            released.set()
            disk.holdSyncs(false)
        }
        let other = try await resolver.identify(email: "a@x.io", phoneNumber: "1")
        watchdog.cancel()
        _ = await watchdog.value
        #expect(other.outcome == .unchanged)
        #expect(!released.isSet, "it waited for another group's sync")

        // Group b's only row is not on disk yet: the answer waits for it.
        let read = try await Self.readWaitsForSync(resolver, email: "b@x.io", disk: disk)
        #expect(read.outcome == .unchanged)
        #expect(try await write.value.outcome == .createdPrimary(contactID: 2))

        // After a merge in flight, a read of the demoted group's values reads the surviving group.
        disk.holdSyncs(true)
        let merge = Task { try await resolver.identify(email: "a@x.io", phoneNumber: "2") }
        while try await !store.group(containingContactID: 2).contains(where: { $0.id == 2 && $0.linkedId == 1 }) {
            try await Task.sleep(for: .milliseconds(1))
        }
        let readOfDemoted = try await Self.readWaitsForSync(resolver, email: "b@x.io", disk: disk)
        #expect(readOfDemoted.contact.secondaryContactIDs == [2])
        #expect(try await merge.value.outcome == .merged(primaryID: 1, demotedPrimaryID: 2))

        // After a split in flight, a read of the group left behind waits too, although none
        // of its rows changed: the group lost a member.
        disk.holdSyncs(true)
        let split = Task {
            try await store.commit(reading: .group(containingContactID: 2)) { _ in
                ContactPlan([.setLink(contactID: 2, linkedId: nil, updatedAt: Fixture.at(1_000_000_000))])
            }
        }
        while try await store.group(containingContactID: 2).count != 1 {
            try await Task.sleep(for: .milliseconds(1))
        }
        let readOfShrunk = try await Self.readWaitsForSync(resolver, email: "a@x.io", disk: disk)
        #expect(readOfShrunk.contact.secondaryContactIDs == [])
        _ = try await split.value
        try store.close()
    }

    /// Identifies `email` while the disk holds its syncs, expects no answer before they are
    /// let go, lets them go, and returns the answer.
    private static func readWaitsForSync(
        _ resolver: IdentityResolver<FileContactStore>, email: String, disk: FaultInjectingFileSystem,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Identification {
        let answered = Flag()
        let read = Task {
            let result = try await resolver.identify(email: email, phoneNumber: nil)
            answered.set()
            return result
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!answered.isSet, "it answered before the sync of its group's change", sourceLocation: sourceLocation)
        disk.holdSyncs(false)
        return try await read.value
    }
}

/// A flag that tasks set and read.
private final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
}
