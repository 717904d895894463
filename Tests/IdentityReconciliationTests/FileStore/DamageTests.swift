import IdentityReconciliationTestSupport
import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// Torn writes and bit flips in a store file: opening either recovers a prefix of the
/// history or throws a typed error; it never crashes and never reports other data as valid.
@Suite("File store damage")
struct DamageTests {
    static let path = "/sim/" + ScriptedSequence.storeName

    /// A store file after a few hundred requests (a compaction in the middle, then journal
    /// records), and the reference states.
    static func storeFile(count: Int = 300) async throws -> (bytes: [UInt8], sequence: ScriptedSequence) {
        let sequence = try await ScriptedSequence(durability: .deferred, count: count, seed: 11)
        let disk = SimulatedFileSystem()
        let outcome = await sequence.run(on: disk, directory: "/sim")
        try #require(outcome.error == nil)
        return (try #require(disk.contents(path)), sequence)
    }

    /// The offsets where records start, and the end of the last one.
    static func recordOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var offset = StoreFormat.headerSize
        bytes.withUnsafeBytes { buffer in
            while let payload = StoreLoader.validRecord(in: buffer, at: offset) {
                offsets.append(offset)
                offset = payload.upperBound
            }
        }
        return offsets + [offset]
    }

    /// Opens `bytes` as a store file; returns the rows and the recovery, or the error.
    static func open(
        _ bytes: [UInt8], sequence: ScriptedSequence
    ) async -> Result<
        ([Contact], FileStoreRecovery?), FileContactStoreError
    > {
        let disk = SimulatedFileSystem()
        disk.setContents(path, bytes)
        do {
            let store = try FileContactStore(path: path, options: sequence.options, fileSystem: disk)
            defer { try? store.close() }
            return .success((try await store.allRows(), store.recovery))
        } catch let error as FileContactStoreError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error type: \(error)")
            return .failure(FileContactStoreError(code: .ioFailed, path: path, message: "\(error)"))
        }
    }

    /// The error opening `bytes` as a store file throws, or `nil` when it opens (it is then
    /// closed again).
    static func openingError(
        _ bytes: [UInt8], mode: FileContactStore.AccessMode = .readWrite
    ) -> FileContactStoreError? {
        let disk = SimulatedFileSystem()
        disk.setContents(path, bytes)
        do {
            try FileContactStore(path: path, options: .init(mode: mode), fileSystem: disk).close()
            return nil
        } catch {
            return error
        }
    }

    /// The number of requests whose state equals `rows`, the largest if several.
    static func prefix(_ rows: [Contact], in sequence: ScriptedSequence) -> Int? {
        sequence.states.indices.last { sequence.states[$0] == rows }
    }

    @Test func truncatedAtEveryOffsetOfTheLastRecords() async throws {
        let (bytes, sequence) = try await Self.storeFile()
        let offsets = Self.recordOffsets(bytes)
        let end = offsets.last!
        let start = offsets[max(0, offsets.count - 25)]
        var previous = 0
        for cut in start...end {
            for zeroFilled in [false, true] {
                // Cut the file there, or keep its size and zero everything from there (torn preallocated space).
                var damaged = Array(bytes[0..<cut])
                if zeroFilled { damaged += [UInt8](repeating: 0, count: bytes.count - cut) }
                switch await Self.open(damaged, sequence: sequence) {
                case .success(let (rows, recovery)):
                    let prefix = try #require(Self.prefix(rows, in: sequence), "cut at \(cut): rows are no prefix")
                    #expect(prefix >= previous, "cut at \(cut): fewer changes than a shorter cut kept")
                    previous = prefix
                    // Only a cut leaving nothing but zero bytes after the last whole record looks
                    // clean (zero-filling may also leave a record whole when its tail was zeros).
                    let lastWhole = Self.recordOffsets(damaged).last!
                    let clean = damaged[lastWhole...].allSatisfy { $0 == 0 }
                    #expect(clean == (recovery == nil), "cut at \(cut): recovery \(String(describing: recovery))")
                    if let recovery { #expect(recovery.offset <= cut) }
                case .failure(let error):
                    Issue.record("cut at \(cut) (the tail) failed to open: \(error)")
                }
            }
        }
        #expect(previous == sequence.requests.count)
    }

    @Test func bitFlipsAreDetected() async throws {
        let (bytes, sequence) = try await Self.storeFile(count: 120)
        var random = SplitMix64(seed: 99)
        var errors = 0
        var recoveries = 0
        for trial in 0..<3_000 {
            var damaged = bytes
            let flips = 1 + Int(random.next() % 3)
            // Half the trials hit the data, half anywhere (including the zero tail).
            let range = trial % 2 == 0 ? Self.recordOffsets(bytes).last! : bytes.count
            // Distinct bits: flipping one bit twice would leave the file undamaged.
            var bits = Set<Int>()
            while bits.count < flips { bits.insert(Int(random.next() % UInt64(range * 8))) }
            for bit in bits {
                damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            }
            switch await Self.open(damaged, sequence: sequence) {
            case .success(let (rows, recovery)):
                recoveries += 1
                #expect(recovery != nil, "trial \(trial): a damaged file opened without a recovery")
                #expect(Self.prefix(rows, in: sequence) != nil, "trial \(trial): rows are not a prefix of the history")
            case .failure(let error):
                errors += 1
                #expect(
                    [.corrupted, .notAStoreFile, .unsupportedVersion].contains(error.code),
                    "trial \(trial): \(error)")
            }
        }
        #expect(errors > 0 && recoveries > 0)
    }

    /// Damage to a record followed by synced records is corruption, reported at its offset.
    @Test func damageBeforeTheTailNamesTheOffset() async throws {
        let (bytes, sequence) = try await Self.storeFile()
        let offsets = Self.recordOffsets(bytes)
        for index in stride(from: 0, to: offsets.count - 3, by: 7) {
            var damaged = bytes
            damaged[offsets[index] + 9] ^= 0x40
            switch await Self.open(damaged, sequence: sequence) {
            case .success:
                Issue.record("damage in record \(index) at \(offsets[index]) was not reported")
            case .failure(let error):
                #expect(error.code == .corrupted)
                #expect(error.offset == offsets[index])
            }
        }
    }

    /// An id the format can hold but the table cannot (the largest `Int`: the next id would
    /// overflow) is corruption, not a crash, even in a record with a valid checksum. Found by
    /// `Fuzz/Sources/FuzzStoreLoader`.
    @Test(arguments: [Int.max, 0, -1])
    func anIdOutOfRangeIsCorruption(id: Int) async throws {
        var writer = ByteWriter()
        writer.append(bytes: StoreFormat.header())
        writer.appendRows([Fixture.primary(id, "a@x.io", "1", at: 1)][...])
        let error = Self.openingError(writer.bytes)
        #expect(error?.code == .corrupted)
        #expect(error?.message.contains("id \(id) is not in 1..<Int.max") == true)
    }

    /// Snapshot rows (a compaction's `rows` records) are taken as written; rows that break a
    /// group with valid checksums are corruption at opening, in either mode, naming the record
    /// and the row. Found by `Fuzz/Sources/FuzzStoreLoader`: such a file used to open, and an
    /// identify followed by corrections crashed walking a member list (a secondary of the
    /// missing row 8, which the identifies then inserted).
    @Test(arguments: [
        (
            [Fixture.primary(1, "a@x.io", "1", at: 1), Fixture.secondary(2, "b@x.io", "2", of: 8, at: 2)],
            "contact 2: linkedId 8 is not a live primary"
        ),
        (
            [
                Fixture.primary(1, "a@x.io", "1", at: 1), Fixture.secondary(2, "b@x.io", "2", of: 1, at: 2),
                Fixture.secondary(3, "c@x.io", "3", of: 2, at: 3),
            ],
            "contact 3: linkedId 2 is not a live primary"
        ),
        (
            [
                Fixture.primary(1, "a@x.io", "1", at: 1, deletedAt: 2),
                Fixture.secondary(2, "b@x.io", "2", of: 1, at: 2),
            ],
            "contact 2: linkedId 1 is not a live primary"
        ),
        (
            [
                Fixture.primary(1, "a@x.io", "1", at: 1),
                Contact(
                    id: 2, email: "b@x.io", phoneNumber: nil, linkedId: 1, linkPrecedence: .primary,
                    createdAt: Fixture.at(2), updatedAt: Fixture.at(2)),
            ],
            "contact 2: primary has linkedId 1"
        ),
        (
            [
                Contact(
                    id: 1, email: "a@x.io", phoneNumber: nil, linkedId: nil, linkPrecedence: .secondary,
                    createdAt: Fixture.at(1), updatedAt: Fixture.at(1))
            ],
            "contact 1: secondary has no linkedId"
        ),
        (
            [Fixture.primary(1, "a@x.io", "1", at: 5), Fixture.secondary(2, "b@x.io", "2", of: 1, at: 2)],
            "contact 1: primary of its group, but contact 2 is older"
        ),
    ])
    func inconsistentSnapshotRowsAreCorruption(rows: [Contact], reason: String) async throws {
        var writer = ByteWriter()
        writer.append(bytes: StoreFormat.header())
        writer.appendRows([Fixture.primary(100, "first@x.io", nil, at: 0)][...])
        let offset = writer.bytes.count
        writer.appendRows(
            rows.map { row in
                var row = row
                row.id += 100
                if let linked = row.linkedId { row.linkedId = linked + 100 }
                return row
            }[...])
        let shifted = reason.replacing(/(contact|linkedId) (\d+)/) { "\($0.1) \(Int($0.2)! + 100)" }
        for mode in [FileContactStore.AccessMode.readWrite, .readOnly] {
            let error = Self.openingError(writer.bytes, mode: mode)
            #expect(error?.code == .corrupted && error?.offset == offset)
            #expect(error?.message.contains("the snapshot's rows are inconsistent: \(shifted)") == true)
        }
    }

    /// What the check allows: deleted rows whose `linkedId` names anything, and a secondary
    /// listed before its primary (an import may give a secondary the smaller id).
    @Test func consistentSnapshotRowsOpen() async throws {
        let rows = [
            Fixture.secondary(1, "b@x.io", "1", of: 3, at: 2),
            Fixture.secondary(2, "c@x.io", nil, of: 9, at: 0, deletedAt: 1),
            Fixture.primary(3, "a@x.io", "1", at: 1),
        ]
        var writer = ByteWriter()
        writer.append(bytes: StoreFormat.header())
        writer.appendRows(rows[...])
        let disk = SimulatedFileSystem()
        disk.setContents(Self.path, writer.bytes)
        let store = try FileContactStore(path: Self.path, options: .init(), fileSystem: disk)
        #expect(try await store.contacts(afterID: 0, limit: 10) == rows)
        try store.verify()
    }

    /// The snapshot's rows are checked before the first record after them is replayed (a
    /// replay on broken groups could walk a broken member list), and a snapshot record after
    /// the journal's records, which no compaction or import writes, is corruption.
    @Test func theSnapshotIsCheckedBeforeTheJournalAndComesFirst() async throws {
        let broken = [Fixture.primary(1, "a@x.io", "1", at: 1), Fixture.secondary(2, "b@x.io", "2", of: 8, at: 2)]
        let insert = ContactPlan.insertPrimary(email: "c@x.io", phoneNumber: nil, createdAt: Fixture.at(3))
        var writer = ByteWriter()
        writer.append(bytes: StoreFormat.header())
        writer.appendRows(broken[...])
        // Replayed first, this merge would fail on its own (2 is no primary), at its own offset.
        writer.appendPlan(.merge(primaryID: 1, demotedPrimaryID: 2, updatedAt: Fixture.at(3)), insertedIDs: [])
        let unchecked = Self.openingError(writer.bytes)
        #expect(unchecked?.code == .corrupted && unchecked?.offset == StoreFormat.headerSize)
        #expect(unchecked?.message.contains("contact 2: linkedId 8 is not a live primary") == true)

        writer = ByteWriter()
        writer.append(bytes: StoreFormat.header())
        writer.appendRows([Fixture.primary(1, "a@x.io", "1", at: 1)][...])
        writer.appendPlan(insert, insertedIDs: [2])
        let late = writer.count
        writer.appendRows([Fixture.primary(3, "d@x.io", "4", at: 4)][...])
        let misplaced = Self.openingError(writer.bytes)
        #expect(misplaced?.code == .corrupted && misplaced?.offset == late)
        #expect(misplaced?.message == "a snapshot record follows the journal's records")
    }
}
