internal import CRC32CHardware

/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), the checksum of every header
/// and record of a ``FileContactStore`` file.
///
/// Computed with the CPU's `crc32` instruction where it has one (x86-64 with SSE 4.2, through
/// the `CRC32CHardware` C target: Swift cannot emit it), about ten times fewer instructions
/// per byte than slicing-by-8 tables, which compute it everywhere else. Checking every record
/// is a tenth of a reopen's work with the tables. The check value of the ASCII bytes
/// `123456789` is `0xE3069283`.
enum CRC32C {
    /// Whether ``checksum(_:continuing:)`` uses the CPU's instruction.
    static let usesHardware = irc_crc32c_hardware_available() != 0

    /// Eight 256-entry tables; table `k` advances the CRC by a byte followed by `k` zero bytes.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
            }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            var crc = tables[byte]
            for slice in 1..<8 {
                crc = tables[Int(crc & 0xFF)] ^ (crc >> 8)
                tables[slice * 256 + byte] = crc
            }
        }
        return tables
    }()

    /// The CRC-32C of `bytes`, continuing from `crc` (pass the result of an earlier call to
    /// checksum data in pieces; `0` to start).
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        usesHardware ? hardwareChecksum(bytes, continuing: crc) : softwareChecksum(bytes, continuing: crc)
    }

    /// ``checksum(_:continuing:)`` with the CPU's instruction; only when ``usesHardware``.
    static func hardwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return ~irc_crc32c_hardware_update(~crc, base, bytes.count)
    }

    /// ``checksum(_:continuing:)`` with the tables.
    static func softwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var crc = ~crc
        guard var pointer = bytes.baseAddress, bytes.count > 0 else { return ~crc }
        var remaining = bytes.count
        tables.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            while remaining >= 8 {
                let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self)) ^ UInt64(crc)
                crc =
                    t[7 * 256 + Int(word & 0xFF)] ^ t[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((word >> 16) & 0xFF)] ^ t[4 * 256 + Int((word >> 24) & 0xFF)]
                    ^ t[3 * 256 + Int((word >> 32) & 0xFF)] ^ t[2 * 256 + Int((word >> 40) & 0xFF)]
                    ^ t[1 * 256 + Int((word >> 48) & 0xFF)] ^ t[Int(word >> 56)]
                pointer += 8
                remaining -= 8
            }
            while remaining > 0 {
                crc = t[Int((crc ^ UInt32(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                remaining -= 1
            }
        }
        return ~crc
    }

    /// The CRC-32C of a byte array.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
