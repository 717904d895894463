#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The byte layout of a ``FileContactStore`` file, version 1, as specified in
/// `Documentation/FileFormat.md`: a 32-byte header followed by checksummed records.
enum StoreFormat {
    /// The first eight bytes of every store file.
    static let magic: [UInt8] = [0x89, 0x49, 0x52, 0x53, 0x0D, 0x0A, 0x1A, 0x0A]  // \x89 I R S \r \n \x1a \n
    /// The format version this library writes and reads.
    static let version: UInt32 = 1
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
        /// An ``ContactChange/insertPrimary(email:phoneNumber:createdAt:)`` with its id.
        case insertPrimary = 2
        /// An ``ContactChange/insertSecondary(email:phoneNumber:primaryID:createdAt:)`` with its id.
        case insertSecondary = 3
        /// A ``ContactChange/merge(primaryID:demotedPrimaryID:updatedAt:)``.
        case merge = 4
        /// Whole rows: a snapshot chunk written by compaction or an import.
        case rows = 5
    }

    /// Row flags in a ``RecordType/rows`` record.
    enum RowFlag {
        static let secondary: UInt8 = 1
        static let linked: UInt8 = 2
        static let deleted: UInt8 = 4
        static let updated: UInt8 = 8
        static let all: UInt8 = 15
    }

    /// The 32 header bytes of a version-1 file.
    static var header: [UInt8] {
        var writer = ByteWriter()
        writer.append(bytes: magic)
        writer.append(UInt32(version))
        writer.append(UInt32(headerSize))
        writer.append(UInt64(0))
        writer.append(UInt32(0))
        let crc = CRC32C.checksum(writer.bytes)
        writer.append(crc)
        return writer.bytes
    }

    /// The size of a row in a ``RecordType/rows`` record.
    static func encodedSize(of row: Contact) -> Int {
        var size = 8 + 1 + 8
        if row.updatedAt != row.createdAt { size += 8 }
        if row.deletedAt != nil { size += 8 }
        if row.linkedId != nil { size += 8 }
        return size + stringSize(row.email) + stringSize(row.phoneNumber)
    }

    static func stringSize(_ string: String?) -> Int {
        guard let string else { return 1 }
        let count = string.utf8.count
        return ByteWriter.varintSize(UInt64(count) + 1) + count
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

    static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

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

    /// The record of an applied change, with the id the insert got.
    mutating func appendChange(_ change: ContactChange, insertedID: Int?) {
        switch change {
        case .none:
            return
        case .insertPrimary(let email, let phoneNumber, let createdAt):
            appendRecord { writer in
                writer.append(StoreFormat.RecordType.insertPrimary.rawValue)
                writer.append(id: insertedID ?? 0)
                writer.append(date: createdAt)
                writer.append(string: email)
                writer.append(string: phoneNumber)
            }
        case .insertSecondary(let email, let phoneNumber, let primaryID, let createdAt):
            appendRecord { writer in
                writer.append(StoreFormat.RecordType.insertSecondary.rawValue)
                writer.append(id: insertedID ?? 0)
                writer.append(id: primaryID)
                writer.append(date: createdAt)
                writer.append(string: email)
                writer.append(string: phoneNumber)
            }
        case .merge(let primaryID, let demotedPrimaryID, let updatedAt):
            appendRecord { writer in
                writer.append(StoreFormat.RecordType.merge.rawValue)
                writer.append(id: primaryID)
                writer.append(id: demotedPrimaryID)
                writer.append(date: updatedAt)
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
        guard value > 0 else { throw Malformed(reason: "id \(value) is not positive") }
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
        // take the fast path, and validate everything else.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw Malformed(reason: "a string is not valid UTF-8")
        }
        return string
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
