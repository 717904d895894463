import IdentityReconciliation
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `Contact` keeps `linkedId` and `deletedAt` as a value and a flag: what it reads back,
/// compares, hashes, encodes and prints must be the public columns alone.
@Suite("Contact")
struct ContactTests {
    typealias F = Fixture

    @Test("linkedId and deletedAt read back what was set, nil and zero included")
    func optionalColumns() {
        var row = F.primary(1, "a", nil, at: 1)
        #expect(row.linkedId == nil && row.deletedAt == nil && row.isLive)
        row.linkedId = 0
        row.deletedAt = Date(timeIntervalSinceReferenceDate: 0)
        #expect(row.linkedId == 0 && row.deletedAt == Date(timeIntervalSinceReferenceDate: 0) && !row.isLive)
        #expect(row.primaryID == 0)
        row.linkedId = -7
        row.deletedAt = F.at(5)
        #expect(row.linkedId == -7 && row.deletedAt == F.at(5))
        row.linkedId = nil
        row.deletedAt = nil
        #expect(row.linkedId == nil && row.deletedAt == nil && row.isLive && row.primaryID == 1)
    }

    @Test("rows are equal, and hash alike, exactly when their columns are")
    func equality() {
        let plain = F.primary(1, "a", nil, at: 1)
        var cleared = plain
        cleared.linkedId = 5
        cleared.deletedAt = F.at(2)
        #expect(cleared != plain)
        cleared.linkedId = nil
        cleared.deletedAt = nil
        #expect(cleared == plain)
        #expect(cleared.hashValue == plain.hashValue)
        var zero = plain
        zero.linkedId = 0
        #expect(zero != plain)
        var deletedAtZero = plain
        deletedAtZero.deletedAt = Date(timeIntervalSinceReferenceDate: 0)
        #expect(deletedAtZero != plain)
        #expect(Set([plain, cleared, zero, deletedAtZero]).count == 3)
    }

    @Test("a primary's row leaves its nil columns out of its Codable form and decodes back")
    func codableWithoutOptionalColumns() throws {
        let row = F.primary(3, nil, "123", at: 10)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(row), as: UTF8.self)
        for column in ["email", "linkedId", "deletedAt"] {
            #expect(!json.contains("\"\(column)\""), "\(column) in \(json)")
        }
        for column in ["id", "phoneNumber", "linkPrecedence", "createdAt", "updatedAt"] {
            #expect(json.contains("\"\(column)\":"), "\(column) missing from \(json)")
        }
        #expect(try JSONDecoder().decode(Contact.self, from: Data(json.utf8)) == row)
        let missingID = #"{"linkPrecedence":"primary","createdAt":0,"updatedAt":0}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Contact.self, from: Data(missingID.utf8)) }
    }

    @Test("a row prints its columns, not its storage")
    func description() {
        let text = String(describing: F.secondary(2, "a", nil, of: 1, at: 1))
        #expect(text.hasPrefix("Contact(id: 2, email: Optional(\"a\"), phoneNumber: nil, linkedId: Optional(1),"))
        #expect(text.contains("deletedAt: nil"))
        #expect(!text.contains("stored") && !text.contains("hasLinkedID") && !text.contains("isDeleted"))
    }
}
