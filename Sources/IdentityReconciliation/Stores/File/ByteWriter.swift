#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
