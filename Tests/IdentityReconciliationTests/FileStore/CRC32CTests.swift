import IdentityReconciliationTesting
import Testing

@testable import IdentityReconciliation

/// The store files' checksum: the tables and the CPU's instruction compute the same CRC-32C.
@Suite("CRC-32C")
struct CRC32CTests {
    /// Bytes of every value, from a fixed seed.
    static let bytes: [UInt8] = {
        var random = SplitMix64(seed: 7)
        return (0..<600).map { _ in UInt8.random(in: 0...255, using: &random) }
    }()

    /// The checksum of `bytes[range]` computed by `checksum`, whole and in two pieces.
    static func checksums(
        of range: Range<Int>, split: Int, _ checksum: (UnsafeRawBufferPointer, UInt32) -> UInt32
    ) -> (whole: UInt32, pieces: UInt32) {
        bytes.withUnsafeBytes { buffer in
            let whole = checksum(UnsafeRawBufferPointer(rebasing: buffer[range]), 0)
            let first = checksum(UnsafeRawBufferPointer(rebasing: buffer[range.lowerBound..<split]), 0)
            let pieces = checksum(UnsafeRawBufferPointer(rebasing: buffer[split..<range.upperBound]), first)
            return (whole, pieces)
        }
    }

    @Test("the check value, with the tables and with the instruction where the CPU has it")
    func checkValue() {
        let text = Array("123456789".utf8)
        text.withUnsafeBytes { buffer in
            #expect(CRC32C.softwareChecksum(buffer) == 0xE306_9283)
            #expect(CRC32C.checksum(buffer) == 0xE306_9283)
            if CRC32C.usesHardware { #expect(CRC32C.hardwareChecksum(buffer) == 0xE306_9283) }
        }
        #expect(CRC32C.checksum([]) == 0)
    }

    // Every length up to 40 and some longer ones, at every alignment modulo 8, each whole and
    // continued from a piece: the instruction takes 8 bytes at a time and then single bytes.
    @Test(
        "the instruction and the tables agree at every length, alignment and split",
        .enabled(if: CRC32C.usesHardware, "this CPU has no CRC-32C instruction the library uses"))
    func hardwareMatchesTables() {
        for start in 0..<8 {
            for length in Array(0...40) + [63, 64, 65, 255, 511] {
                let range = start..<(start + length)
                let split = start + length / 3
                let software = Self.checksums(of: range, split: split) { CRC32C.softwareChecksum($0, continuing: $1) }
                let hardware = Self.checksums(of: range, split: split) { CRC32C.hardwareChecksum($0, continuing: $1) }
                #expect(hardware.whole == software.whole, "bytes \(range)")
                #expect(hardware.pieces == software.whole, "bytes \(range) split at \(split)")
                #expect(software.pieces == software.whole, "bytes \(range) split at \(split)")
            }
        }
    }
}
