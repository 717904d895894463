/// Rebuilds a ``ContactTable`` from the bytes of a store file, and finds where its valid
/// records end.
///
/// Records are read from the header on. The first position where no valid record starts
/// (a zero length, a length past the end of the file, a checksum mismatch) is the end of
/// the log. If only zero bytes follow, that is the clean end of the preallocated space.
/// Otherwise the bytes there are *damaged*, and the loader decides whether they may be a
/// torn tail: they may, unless some valid sync marker after them (found by trying every
/// later byte offset) proves that they had been synced — then the file is corrupt.
struct StoreLoader {
    /// The outcome of a successful load.
    struct Loaded {
        var table: ContactTable
        /// The total UTF-8 bytes of the strings of every row, for compaction's estimate.
        var stringBytes: Int
        /// Where the valid records end.
        var end: Int
        /// The file's format version.
        var version: UInt32
        /// Whether a record cleared values after the last snapshot: their bytes are still in
        /// the file, in earlier records, until a compaction rewrites it.
        var holdsErasedValues: Bool
        /// Set when damaged bytes followed the valid records: the offset and the count up to the last nonzero byte.
        var damage: (offset: Int, bytes: Int)?
    }

    /// Why a load failed.
    enum Failure: Error, Equatable {
        /// The header is not this format's.
        case notAStoreFile(String)
        /// The header names a version this code cannot read.
        case unsupportedVersion(UInt32)
        /// Damage or an invalid record at a byte offset, with a reason.
        case corrupted(offset: Int, reason: String)
    }

    /// Whether `bytes` (a file shorter than a header) is an interrupted creation: a prefix of the header.
    static func isHeaderPrefix(_ bytes: [UInt8]) -> Bool {
        bytes.count < StoreFormat.headerSize
            && (1...StoreFormat.version).contains {
                Array(StoreFormat.header(version: $0).prefix(bytes.count)) == bytes
            }
    }

    /// Loads a whole file.
    static func load(_ bytes: [UInt8]) throws(Failure) -> Loaded {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(Failure) -> Loaded in
                let version = try checkHeader(buffer)
                var loader = StoreLoader(buffer: buffer, version: version)
                return try loader.run()
            }
        }
        return try result.get()
    }

    /// Checks the header and returns the file's format version.
    @discardableResult
    static func checkHeader(_ buffer: UnsafeRawBufferPointer) throws(Failure) -> UInt32 {
        guard buffer.count >= StoreFormat.headerSize,
            buffer.prefix(StoreFormat.magic.count).elementsEqual(StoreFormat.magic)
        else { throw .notAStoreFile("the file does not start with the store's magic bytes") }
        let version = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version <= StoreFormat.version else { throw .unsupportedVersion(version) }
        let stored = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[0..<28])) == stored else {
            throw .corrupted(offset: 0, reason: "the header's checksum does not match")
        }
        guard version >= 1,
            UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                == UInt32(StoreFormat.headerSize),
            buffer[16..<28].allSatisfy({ $0 == 0 })
        else { throw .corrupted(offset: 0, reason: "the header's fields are invalid for version \(version)") }
        return version
    }

    private let buffer: UnsafeRawBufferPointer
    private let version: UInt32
    private var table = ContactTable()
    private var stringBytes = 0
    private var holdsErasedValues = false
    /// The offset of each rows record and the largest id it holds, in file order.
    private var rowsRecords: [(offset: Int, lastID: Int)] = []
    /// Whether a record other than the snapshot's (rows and links, which only a compaction or
    /// an import writes, first in the file) has been read.
    private var journalStarted = false

    private init(buffer: UnsafeRawBufferPointer, version: UInt32) {
        self.buffer = buffer
        self.version = version
    }

    /// The payload range of a valid record at `offset`, or `nil` when none starts there.
    static func validRecord(in buffer: UnsafeRawBufferPointer, at offset: Int) -> Range<Int>? {
        guard buffer.count - offset >= StoreFormat.frameSize else { return nil }
        let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        guard length > 0, length <= StoreFormat.maximumPayload,
            length <= buffer.count - offset - StoreFormat.frameSize
        else { return nil }
        let stored = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        let start = offset + StoreFormat.frameSize
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + 4)]))
        let full = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)]), continuing: crc)
        return full == stored ? start..<(start + length) : nil
    }

    private mutating func run() throws(Failure) -> Loaded {
        var offset = StoreFormat.headerSize
        // Guess the row count from the bytes in use (a row takes at least about 40 bytes) and
        // count the links the records may add, so that neither is regrown while loading; the
        // zero tail is preallocated space. (The value indexes are sized by `indexValues()`,
        // which counts the values.)
        let used = Self.endOfNonZeroBytes(buffer, from: offset)
        table.reserveCapacity(rows: (used - offset) / 40, links: Self.linksAdded(in: buffer, from: offset, to: used))
        while let payload = Self.validRecord(in: buffer, at: offset) {
            let type = buffer[payload.lowerBound]
            let isSnapshot =
                type == StoreFormat.RecordType.rows.rawValue || type == StoreFormat.RecordType.links.rawValue
            if isSnapshot && journalStarted {
                throw .corrupted(offset: offset, reason: "a snapshot record follows the journal's records")
            }
            if !isSnapshot && !journalStarted {
                // The records after the snapshot replay plans on its rows: check them first.
                try checkSnapshotGroups()
                journalStarted = true
            }
            do {
                try apply(payload, at: offset)
            } catch {
                throw .corrupted(offset: offset, reason: error.reason)
            }
            offset = payload.upperBound
        }
        if !journalStarted { try checkSnapshotGroups() }
        table.indexValues()
        if version == 1 {
            // Version 1 recorded no links: give each merged group the links that keep it one
            // person, as an import of rows without links does. They are written at the upgrade.
            for link in ContactEvidence.joiningLinks(for: table.rows, links: []).links { table.add(link) }
        }
        let lastNonZero = Self.endOfNonZeroBytes(buffer, from: offset) - 1
        var damage: (offset: Int, bytes: Int)?
        if lastNonZero >= offset {
            try checkTornTail(at: offset, through: lastNonZero)
            damage = (offset, lastNonZero + 1 - offset)
        }
        return Loaded(
            table: table, stringBytes: stringBytes, end: offset, version: version,
            holdsErasedValues: holdsErasedValues, damage: damage)
    }

    /// At most how many links the records from `start` to `end` add: one per plan record (a
    /// merge's) and the count of each links record, read from the frames without checking
    /// them, and never more than the bytes could hold (a link takes at least 11), so that a
    /// damaged count cannot make the loader reserve more memory than the file justifies.
    static func linksAdded(in buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var count = 0
        var offset = start
        while end - offset > StoreFormat.frameSize {
            let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            guard length > 0, length <= end - offset - StoreFormat.frameSize else { break }
            let payload = offset + StoreFormat.frameSize
            switch StoreFormat.RecordType(rawValue: buffer[payload]) {
            case .plan?: count += 1
            case .links? where length >= 5:
                let claimed = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: payload + 1, as: UInt32.self))
                count += min(Int(claimed), (length - 5) / 11)
            default: break
            }
            offset = payload + length
        }
        return min(count, (end - start) / 11)
    }

    /// One past the last nonzero byte at or after `start` (`start` when there is none).
    /// Compares eight bytes at a time: the preallocated tail can be megabytes long.
    static func endOfNonZeroBytes(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Int {
        var end = buffer.count
        while end - start >= 8 && buffer.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) == 0 {
            end -= 8
        }
        while end > start && buffer[end - 1] == 0 { end -= 1 }
        return end
    }

    /// Throws when a valid sync marker after the damage at `offset` says it had been synced.
    ///
    /// A marker starts with its nonzero length, so only offsets up to the last nonzero byte
    /// are tried; but its own last bytes are often zeros (the high bytes of `syncedEnd`), so it
    /// is read from the whole file, preallocated zeros included.
    private func checkTornTail(at offset: Int, through lastNonZero: Int) throws(Failure) {
        var candidate = offset + 1
        while candidate <= lastNonZero {
            if let payload = Self.validRecord(in: buffer, at: candidate),
                payload.count == 9,
                buffer[payload.lowerBound] == StoreFormat.RecordType.syncMarker.rawValue
            {
                let syncedEnd = UInt64(
                    littleEndian: buffer.loadUnaligned(fromByteOffset: payload.lowerBound + 1, as: UInt64.self))
                if syncedEnd > UInt64(offset) && syncedEnd <= UInt64(candidate) {
                    throw .corrupted(
                        offset: offset,
                        reason: "no valid record starts here, but a sync marker at offset \(candidate) "
                            + "says the bytes up to \(syncedEnd) had been synced")
                }
            }
            candidate += 1
        }
    }

    private mutating func apply(_ payload: Range<Int>, at offset: Int) throws(ByteReader.Malformed) {
        var reader = ByteReader(buffer, from: payload.lowerBound, to: payload.upperBound)
        guard let type = StoreFormat.RecordType(rawValue: try reader.readByte()), type.sinceVersion <= version else {
            throw ByteReader.Malformed(
                reason: "unknown record type \(buffer[payload.lowerBound]) for format version \(version)")
        }
        switch type {
        case .syncMarker:
            let syncedEnd = try reader.readUInt64()
            guard syncedEnd <= UInt64(offset) else {
                throw ByteReader.Malformed(reason: "a sync marker points past itself, to \(syncedEnd)")
            }
        case .insertPrimary:
            let id = try reader.readID()
            let createdAt = try reader.readDate()
            let email = try reader.readString()
            let phoneNumber = try reader.readString()
            try checkNewID(id)
            try checkValues(email, phoneNumber)
            insert(
                Contact(
                    id: id, email: email, phoneNumber: phoneNumber, linkedId: nil, linkPrecedence: .primary,
                    createdAt: createdAt, updatedAt: createdAt))
        case .insertSecondary:
            let id = try reader.readID()
            let primaryID = try reader.readID()
            let createdAt = try reader.readDate()
            let email = try reader.readString()
            let phoneNumber = try reader.readString()
            try checkNewID(id)
            try checkValues(email, phoneNumber)
            try checkLivePrimary(primaryID)
            insert(
                Contact(
                    id: id, email: email, phoneNumber: phoneNumber, linkedId: primaryID,
                    linkPrecedence: .secondary, createdAt: createdAt, updatedAt: createdAt))
        case .merge:
            let primaryID = try reader.readID()
            let demotedPrimaryID = try reader.readID()
            let updatedAt = try reader.readDate()
            try replay(
                ContactPlan([.relinkGroup(primaryID: demotedPrimaryID, survivorID: primaryID, updatedAt: updatedAt)]),
                insertedIDs: [])
        case .plan:
            let count = Int(try reader.readUInt32())
            // Each write takes at least 9 bytes: refuse counts the payload cannot hold.
            guard count > 0, count <= (payload.count - 5) / 9 else {
                throw ByteReader.Malformed(reason: "a plan record claims \(count) writes")
            }
            var writes: [ContactWrite] = []
            writes.reserveCapacity(count)
            var insertedIDs: [Int] = []
            for _ in 0..<count {
                let (write, insertedID) = try reader.readWrite()
                writes.append(write)
                if let insertedID { insertedIDs.append(insertedID) }
            }
            let plan = ContactPlan(writes)
            try replay(plan, insertedIDs: insertedIDs)
            if plan.clearsValues { holdsErasedValues = true }
        case .links:
            let count = Int(try reader.readUInt32())
            // Each link takes at least 11 bytes.
            guard count <= (payload.count - 5) / 11 else {
                throw ByteReader.Malformed(reason: "a links record claims \(count) links")
            }
            // A snapshot's links, like its rows, are taken as written; verify() checks them.
            for _ in 0..<count { table.add(try reader.readLink()) }
        case .rows:
            let count = Int(try reader.readUInt32())
            // Each row takes at least 19 bytes: refuse counts the payload cannot hold.
            guard count <= (payload.count - 5) / 19 else {
                throw ByteReader.Malformed(reason: "a rows record claims \(count) rows")
            }
            for _ in 0..<count {
                let row = try reader.readRow()
                guard row.id > (table.lastID ?? 0) else {
                    throw ByteReader.Malformed(reason: "row \(row.id) is out of id order")
                }
                insert(row)
            }
            if let lastID = table.lastID { rowsRecords.append((offset, lastID)) }
        }
        guard reader.isAtEnd else { throw ByteReader.Malformed(reason: "the record has trailing bytes") }
    }

    /// Throws when the rows of the snapshot records break the groups' rules. Those rows are
    /// taken as written, and a table whose groups are broken (a secondary of a missing row, a
    /// primary with a `linkedId`) would be damaged further by the next write; the rows that
    /// other records insert and change are checked as they are replayed. Runs once, before the
    /// first record after the snapshot (or at the end), so no replay meets unchecked rows.
    private func checkSnapshotGroups() throws(Failure) {
        guard !rowsRecords.isEmpty, let violation = table.firstBrokenGroup() else { return }
        let id = violation.contactID ?? 0
        let record = rowsRecords.first { $0.lastID >= id } ?? rowsRecords[0]
        throw .corrupted(offset: record.offset, reason: "the snapshot's rows are inconsistent: \(violation)")
    }

    private mutating func insert(_ row: Contact) {
        stringBytes += (row.email?.utf8.count ?? 0) + (row.phoneNumber?.utf8.count ?? 0)
        table.append(row, indexingValues: false)
    }

    private func checkNewID(_ id: Int) throws(ByteReader.Malformed) {
        guard id == table.nextID else {
            throw ByteReader.Malformed(reason: "inserted id \(id) is not the next id \(table.nextID)")
        }
    }

    private func checkValues(_ email: String?, _ phoneNumber: String?) throws(ByteReader.Malformed) {
        guard email != nil || phoneNumber != nil else {
            throw ByteReader.Malformed(reason: "an inserted row has neither an email nor a phone number")
        }
    }

    /// Applies a recorded plan as it was applied when it was written: checked against the
    /// rows it can touch (the groups of every contact it names), then persisted.
    private mutating func replay(_ plan: ContactPlan, insertedIDs: [Int]) throws(ByteReader.Malformed) {
        let checked: CheckedContactPlan
        do {
            checked = try plan.checked(
                against: table.select(
                    groupsOf: plan.contactIDs, linkValues: plan.linkValues,
                    includingLinksOfRows: plan.checkNeedsLinksOfGroups))
        } catch {
            throw ByteReader.Malformed(reason: "a recorded plan cannot be applied: \(error)")
        }
        guard insertedIDs.elementsEqual(table.nextID..<(table.nextID + checked.insertCount)) else {
            throw ByteReader.Malformed(reason: "inserted ids \(insertedIDs) are not the next ids from \(table.nextID)")
        }
        // Only clearing values changes the strings of rows already in the table.
        if plan.clearsValues {
            for row in checked.updatedRows {
                let before = table.row(id: row.id)
                stringBytes += (row.email?.utf8.count ?? 0) + (row.phoneNumber?.utf8.count ?? 0)
                stringBytes -= (before?.email?.utf8.count ?? 0) + (before?.phoneNumber?.utf8.count ?? 0)
            }
        }
        checked.forEachInsertedRow(ids: insertedIDs) { row in
            stringBytes += (row.email?.utf8.count ?? 0) + (row.phoneNumber?.utf8.count ?? 0)
        }
        table.persist(checked, insertedIDs: insertedIDs, indexingValues: false)
    }

    private func checkLivePrimary(_ id: Int) throws(ByteReader.Malformed) {
        guard let row = table.row(id: id), row.isLive, row.linkedId == nil else {
            throw ByteReader.Malformed(reason: "contact \(id) is not a live primary")
        }
    }
}
