#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The byte layout of a ``FileContactStore`` file, version 2, as specified in
/// `Documentation/FileFormat.md`: a 32-byte header followed by checksummed records.
///
/// Version 2 adds the ``RecordType/plan`` and ``RecordType/links`` records to version 1;
/// version-1 files are read as they are, and rewritten as version 2 by the first
/// compaction (which runs before the first record that version 1 lacks is written).
enum StoreFormat {
    /// The first eight bytes of every store file.
    static let magic: [UInt8] = [0x89, 0x49, 0x52, 0x53, 0x0D, 0x0A, 0x1A, 0x0A]  // \x89 I R S \r \n \x1a \n
    /// The format version this library writes; it reads this one and every earlier one.
    static let version: UInt32 = 2
    /// The size of the header; records start here.
    static let headerSize = 32
    /// The size of a record's frame (length and checksum) before its payload.
    static let frameSize = 8
    /// The largest payload a record may have.
    static let maximumPayload = 1 << 30

    /// The record types (the first payload byte).
    enum RecordType: UInt8 {
        /// Every byte before the offset it holds had been synced when it was written.
        case syncMarker = 1
        /// A plan that is one insert of a primary, with its id.
        case insertPrimary = 2
        /// A plan that is one insert of a secondary, with its id.
        case insertSecondary = 3
        /// A plan that is one ``ContactWrite/relinkGroup(primaryID:survivorID:updatedAt:)``: a merge.
        case merge = 4
        /// Whole rows: a snapshot chunk written by compaction or an import.
        case rows = 5
        /// Any other plan: its writes, with the ids of its inserts (version 2).
        case plan = 6
        /// Whole links: a snapshot chunk written by compaction or an import (version 2).
        case links = 7

        /// The first format version with this record type.
        var sinceVersion: UInt32 { rawValue >= 6 ? 2 : 1 }
    }

    /// The kinds of ``ContactWrite`` in a ``RecordType/plan`` record.
    enum WriteKind: UInt8 {
        case insert = 1
        case relinkGroup = 2
        case setLink = 3
        case delete = 4
        case clearValues = 5
        case addLink = 6
        case removeLink = 7
    }

    /// Row flags in a ``RecordType/rows`` record.
    enum RowFlag {
        static let secondary: UInt8 = 1
        static let linked: UInt8 = 2
        static let deleted: UInt8 = 4
        static let updated: UInt8 = 8
        static let all: UInt8 = 15
    }

    /// The 32 header bytes of a file of this version (or of an earlier one, for tests).
    static func header(version: UInt32 = version) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(bytes: magic)
        writer.append(version)
        writer.append(UInt32(headerSize))
        writer.append(UInt64(0))
        writer.append(UInt32(0))
        let crc = CRC32C.checksum(writer.bytes)
        writer.append(crc)
        return writer.bytes
    }
}

/// Appends little-endian values and framed records to a byte buffer.
struct ByteWriter {
    var bytes: [UInt8] = []

    init() {}

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    mutating func append(bytes other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func append(_ value: UInt8) { bytes.append(value) }

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(id: Int) { append(UInt64(bitPattern: Int64(id))) }

    /// A date as the bit pattern of its `timeIntervalSinceReferenceDate`, so it reads back identical.
    mutating func append(date: Date) { append(date.timeIntervalSinceReferenceDate.bitPattern) }

    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// An optional string: varint (byte count + 1), 0 for `nil`, then the UTF-8 bytes.
    mutating func append(string: String?) {
        guard var string else {
            bytes.append(0)
            return
        }
        string.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count) + 1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends one framed record: the payload written by `body`, preceded by its length and CRC-32C.
    mutating func appendRecord(_ body: (inout ByteWriter) -> Void) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: StoreFormat.frameSize))
        body(&self)
        let length = UInt32(bytes.count - start - StoreFormat.frameSize)
        bytes.withUnsafeMutableBytes { buffer in
            buffer.storeBytes(of: length.littleEndian, toByteOffset: start, as: UInt32.self)
            let crc = CRC32C.checksum(
                UnsafeRawBufferPointer(rebasing: buffer[(start)..<(start + 4)]))
            let full = CRC32C.checksum(
                UnsafeRawBufferPointer(rebasing: buffer[(start + StoreFormat.frameSize)...]), continuing: crc)
            buffer.storeBytes(of: full.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
    }

    /// A sync marker: every byte before `syncedEnd` was on stable storage when it was written.
    mutating func appendSyncMarker(syncedEnd: Int) {
        appendRecord { writer in
            writer.append(StoreFormat.RecordType.syncMarker.rawValue)
            writer.append(UInt64(syncedEnd))
        }
    }

    /// The record of a persisted plan, with the ids its inserts got: one of version 1's
    /// compact records when the plan is a single insert or merge, else a
    /// ``StoreFormat/RecordType/plan`` record.
    mutating func appendPlan(_ plan: ContactPlan, insertedIDs: [Int]) {
        if plan.writes.count == 1 {
            switch plan.writes[0] {
            case .insert(let email, let phoneNumber, nil, let createdAt):
                appendRecord { writer in
                    writer.append(StoreFormat.RecordType.insertPrimary.rawValue)
                    writer.append(id: insertedIDs[0])
                    writer.append(date: createdAt)
                    writer.append(string: email)
                    writer.append(string: phoneNumber)
                }
                return
            case .insert(let email, let phoneNumber, let primaryID?, let createdAt):
                appendRecord { writer in
                    writer.append(StoreFormat.RecordType.insertSecondary.rawValue)
                    writer.append(id: insertedIDs[0])
                    writer.append(id: primaryID)
                    writer.append(date: createdAt)
                    writer.append(string: email)
                    writer.append(string: phoneNumber)
                }
                return
            case .relinkGroup(let primaryID, let survivorID, let updatedAt):
                appendRecord { writer in
                    writer.append(StoreFormat.RecordType.merge.rawValue)
                    writer.append(id: survivorID)
                    writer.append(id: primaryID)
                    writer.append(date: updatedAt)
                }
                return
            default:
                break
            }
        }
        appendRecord { writer in
            writer.append(StoreFormat.RecordType.plan.rawValue)
            writer.append(UInt32(plan.writes.count))
            // One id per insert: the store assigns them from the plan's insert count.
            var ids = insertedIDs[...]
            for write in plan.writes {
                writer.append(write, insertedID: { ids.removeFirst() })
            }
        }
    }

    /// Whether ``appendPlan(_:insertedIDs:)`` writes this plan as a version-1 record.
    static func isVersion1Record(_ plan: ContactPlan) -> Bool {
        guard plan.writes.count == 1 else { return plan.writes.isEmpty }
        switch plan.writes[0] {
        case .insert, .relinkGroup: return true
        default: return false
        }
    }

    /// One write of a ``StoreFormat/RecordType/plan`` record.
    private mutating func append(_ write: ContactWrite, insertedID: () -> Int) {
        switch write {
        case .insert(let email, let phoneNumber, let linkedId, let createdAt):
            append(StoreFormat.WriteKind.insert.rawValue)
            append(id: insertedID())
            append(id: linkedId ?? 0)
            append(date: createdAt)
            append(string: email)
            append(string: phoneNumber)
        case .relinkGroup(let primaryID, let survivorID, let updatedAt):
            append(StoreFormat.WriteKind.relinkGroup.rawValue)
            append(id: primaryID)
            append(id: survivorID)
            append(date: updatedAt)
        case .setLink(let contactID, let linkedId, let updatedAt):
            append(StoreFormat.WriteKind.setLink.rawValue)
            append(id: contactID)
            append(id: linkedId ?? 0)
            append(date: updatedAt)
        case .delete(let contactID, let at):
            append(StoreFormat.WriteKind.delete.rawValue)
            append(id: contactID)
            append(date: at)
        case .clearValues(let contactID, let email, let phoneNumber, let updatedAt):
            append(StoreFormat.WriteKind.clearValues.rawValue)
            append(id: contactID)
            append((email ? 1 : 0) | (phoneNumber ? 2 : 0) as UInt8)
            append(date: updatedAt)
        case .addLink(let link):
            append(StoreFormat.WriteKind.addLink.rawValue)
            append(link: link)
        case .removeLink(let link):
            append(StoreFormat.WriteKind.removeLink.rawValue)
            append(link: link)
        }
    }

    mutating func append(link: ContactLink) {
        append(string: link.email)
        append(string: link.phoneNumber)
        append(date: link.createdAt)
    }

    /// A ``StoreFormat/RecordType/links`` record holding `links`.
    mutating func appendLinks(_ links: ArraySlice<ContactLink>) {
        appendRecord { writer in
            writer.append(StoreFormat.RecordType.links.rawValue)
            writer.append(UInt32(links.count))
            for link in links {
                writer.append(link: link)
            }
        }
    }

    /// A ``StoreFormat/RecordType/rows`` record holding `rows`.
    mutating func appendRows(_ rows: ArraySlice<Contact>) {
        appendRecord { writer in
            writer.append(StoreFormat.RecordType.rows.rawValue)
            writer.append(UInt32(rows.count))
            for row in rows {
                writer.append(row: row)
            }
        }
    }

    mutating func append(row: Contact) {
        var flags: UInt8 = 0
        if row.linkPrecedence == .secondary { flags |= StoreFormat.RowFlag.secondary }
        if row.linkedId != nil { flags |= StoreFormat.RowFlag.linked }
        if row.deletedAt != nil { flags |= StoreFormat.RowFlag.deleted }
        if row.updatedAt != row.createdAt { flags |= StoreFormat.RowFlag.updated }
        append(id: row.id)
        append(flags)
        append(date: row.createdAt)
        if row.updatedAt != row.createdAt { append(date: row.updatedAt) }
        if let deletedAt = row.deletedAt { append(date: deletedAt) }
        if let linkedId = row.linkedId { append(id: linkedId) }
        append(string: row.email)
        append(string: row.phoneNumber)
    }
}

/// Reads little-endian values from a record's payload; every read checks the bounds.
struct ByteReader {
    /// The payload is malformed: a read ran past its end or a value is invalid.
    struct Malformed: Error {
        var reason: String
    }

    private let base: UnsafeRawPointer
    private(set) var position: Int
    let end: Int

    init(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        position = start
        self.end = end
    }

    var isAtEnd: Bool { position == end }

    mutating func readByte() throws(Malformed) -> UInt8 {
        guard position < end else { throw Malformed(reason: "the payload ends early") }
        defer { position += 1 }
        return base.load(fromByteOffset: position, as: UInt8.self)
    }

    mutating func readUInt32() throws(Malformed) -> UInt32 {
        guard end - position >= 4 else { throw Malformed(reason: "the payload ends early") }
        defer { position += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func readUInt64() throws(Malformed) -> UInt64 {
        guard end - position >= 8 else { throw Malformed(reason: "the payload ends early") }
        defer { position += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// A positive id.
    mutating func readID() throws(Malformed) -> Int {
        let value = Int64(bitPattern: try readUInt64())
        // The range ``ContactInvariants`` allows: the table's next id, one more, must fit.
        guard value > 0 && value < Int64.max else { throw Malformed(reason: "id \(value) is not in 1..<Int.max") }
        return Int(value)
    }

    mutating func readDate() throws(Malformed) -> Date {
        let seconds = Double(bitPattern: try readUInt64())
        guard seconds.isFinite else { throw Malformed(reason: "a date is not finite") }
        return Date(timeIntervalSinceReferenceDate: seconds)
    }

    mutating func readVarint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw Malformed(reason: "a varint is too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func readString() throws(Malformed) -> String? {
        let prefix = try readVarint()
        guard prefix > 0 else { return nil }
        guard prefix - 1 <= UInt64(end - position) else { throw Malformed(reason: "a string runs past the payload") }
        let count = Int(prefix - 1)
        let bytes = UnsafeBufferPointer(start: (base + position).assumingMemoryBound(to: UInt8.self), count: count)
        position += count
        // Emails and phone numbers are nearly always ASCII, which is valid UTF-8 as it is:
        // take the fast path, and validate everything else. Strings are most of a load's
        // work, and of the ways to build one from ASCII bytes, `init(unsafeUninitializedCapacity:)`
        // is the cheapest for a string short enough to be stored inline (15 bytes: most phone
        // numbers) and `init(decoding:)` for a longer one (measured with callgrind).
        guard Self.isASCII(UnsafeRawBufferPointer(bytes)) else {
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw Malformed(reason: "a string is not valid UTF-8")
            }
            return string
        }
        guard count <= 15 else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: count) { $0.initialize(fromContentsOf: bytes) }
    }

    /// Whether every byte is below 0x80, checked eight bytes at a time.
    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var seen: UInt64 = 0
        var index = 0
        while bytes.count - index >= 8 {
            seen |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            seen |= UInt64(bytes[index])
            index += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0
    }

    /// An id, or `nil` where 0 stands for none.
    mutating func readOptionalID() throws(Malformed) -> Int? {
        let value = Int64(bitPattern: try readUInt64())
        guard value >= 0 else { throw Malformed(reason: "id \(value) is negative") }
        return value == 0 ? nil : Int(value)
    }

    mutating func readLink() throws(Malformed) -> ContactLink {
        guard let email = try readString(), let phoneNumber = try readString() else {
            throw Malformed(reason: "a link lacks its email or its phone number")
        }
        return ContactLink(email: email, phoneNumber: phoneNumber, createdAt: try readDate())
    }

    /// One write of a ``StoreFormat/RecordType/plan`` record, with the id an insert got.
    mutating func readWrite() throws(Malformed) -> (write: ContactWrite, insertedID: Int?) {
        let kind = try readByte()
        switch StoreFormat.WriteKind(rawValue: kind) {
        case .insert:
            let id = try readID()
            let linkedId = try readOptionalID()
            let createdAt = try readDate()
            let email = try readString()
            let phoneNumber = try readString()
            return (.insert(email: email, phoneNumber: phoneNumber, linkedId: linkedId, createdAt: createdAt), id)
        case .relinkGroup:
            return (.relinkGroup(primaryID: try readID(), survivorID: try readID(), updatedAt: try readDate()), nil)
        case .setLink:
            return (.setLink(contactID: try readID(), linkedId: try readOptionalID(), updatedAt: try readDate()), nil)
        case .delete:
            return (.delete(contactID: try readID(), at: try readDate()), nil)
        case .clearValues:
            let id = try readID()
            let flags = try readByte()
            guard flags & ~3 == 0 else { throw Malformed(reason: "unknown value flags \(flags)") }
            return (
                .clearValues(
                    contactID: id, email: flags & 1 != 0, phoneNumber: flags & 2 != 0, updatedAt: try readDate()),
                nil
            )
        case .addLink:
            return (.addLink(try readLink()), nil)
        case .removeLink:
            return (.removeLink(try readLink()), nil)
        case nil:
            throw Malformed(reason: "unknown write kind \(kind)")
        }
    }

    mutating func readRow() throws(Malformed) -> Contact {
        let id = try readID()
        let flags = try readByte()
        guard flags & ~StoreFormat.RowFlag.all == 0 else { throw Malformed(reason: "unknown row flags \(flags)") }
        let createdAt = try readDate()
        let updatedAt = flags & StoreFormat.RowFlag.updated != 0 ? try readDate() : createdAt
        let deletedAt = flags & StoreFormat.RowFlag.deleted != 0 ? try readDate() : nil
        let linkedId = flags & StoreFormat.RowFlag.linked != 0 ? try readID() : nil
        let email = try readString()
        let phoneNumber = try readString()
        return Contact(
            id: id, email: email, phoneNumber: phoneNumber, linkedId: linkedId,
            linkPrecedence: flags & StoreFormat.RowFlag.secondary != 0 ? .secondary : .primary,
            createdAt: createdAt, updatedAt: updatedAt, deletedAt: deletedAt)
    }
}
