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
