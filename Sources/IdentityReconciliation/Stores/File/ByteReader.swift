#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads little-endian values from a record's payload; every read checks the bounds.
struct ByteReader {
    /// The payload is malformed: a read ran past its end or a value is invalid.
    struct Malformed: Error, Equatable {
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
