import Foundation
import Testing

@testable import IdentityReconciliation

/// The loader's own paths on hand-built files: how it reads strings, and how it sizes the
/// table before reading the records.
@Suite("Store loader")
struct StoreLoaderTests {
    static let createdAt = Date(timeIntervalSinceReferenceDate: 800_000_000)

    /// A store file of the current version holding the records `build` appends.
    static func file(_ build: (inout ByteWriter) -> Void) -> [UInt8] {
        var writer = ByteWriter()
        build(&writer)
        return StoreFormat.header() + writer.bytes
    }

    /// The inserts of primaries holding these emails, one record each.
    static func inserts(of emails: [String], into writer: inout ByteWriter) {
        for (index, email) in emails.enumerated() {
            writer.appendPlan(
                ContactPlan([.insert(email: email, phoneNumber: nil, linkedId: nil, createdAt: createdAt)]),
                insertedIDs: [index + 1])
        }
    }

    // The reader takes a different path for short ASCII strings (stored inline), for longer
    // ones, and for anything else (validated): each length around the boundaries, and text
    // that is not ASCII in the first eight bytes, in the tail after them, short and long.
    static let values = [
        "a", "a@b.c", "abcdefgh", "abcdefghijklmn", "abcdefghijklmno", "abcdefghijklmnop",
        "someone.with.a.long.address@example.com", "ü", "jürgen@x.de", "abcdefghij@exämple.com",
        "名前@例え.jp", "😀@x.io",
    ]

    @Test("values of every length and script read back as they were written")
    func valuesReadBack() throws {
        let bytes = Self.file { Self.inserts(of: Self.values, into: &$0) }
        let loaded = try StoreLoader.load(bytes)
        #expect(loaded.table.rows.map(\.email) == Self.values)
        #expect(loaded.stringBytes == Self.values.reduce(0) { $0 + $1.utf8.count })
    }

    // Invalid UTF-8 in the first eight bytes, after them, in a short and in a long string.
    @Test("a string that is not UTF-8 makes the record invalid", arguments: [0, 3, 9, 14, 20])
    func invalidUTF8(at index: Int) throws {
        var value = Array("abcdefghijklmnopqrstuvwxyz".utf8.prefix(max(index + 2, 12)))
        value[index] = 0xFF
        let bytes = Self.file { writer in
            Self.inserts(of: ["first@example.com"], into: &writer)
            writer.appendRecord { writer in
                writer.append(StoreFormat.RecordType.insertPrimary.rawValue)
                writer.append(id: 2)
                writer.append(date: Self.createdAt)
                writer.appendVarint(UInt64(value.count) + 1)
                writer.append(bytes: value)
                writer.append(string: nil)
            }
        }
        let error = #expect(throws: StoreLoader.Failure.self) { try StoreLoader.load(bytes) }
        guard case .corrupted(_, let reason)? = error else {
            Issue.record("expected a corrupted record, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("not valid UTF-8"))
    }

    @Test("the links reserved before loading cover every link a journal adds")
    func linkReservationCoversTheJournal() throws {
        var merges: [(survivor: Int, demoted: Int, link: ContactLink)] = []
        let bytes = Self.file { writer in
            // Pairs of people, then a merge of each pair with the link that joins them.
            for pair in 0..<20 {
                let email = "p\(pair)@example.com"
                let phoneNumber = "+1555\(pair)"
                writer.appendPlan(
                    ContactPlan([.insert(email: email, phoneNumber: nil, linkedId: nil, createdAt: Self.createdAt)]),
                    insertedIDs: [2 * pair + 1])
                writer.appendPlan(
                    ContactPlan([
                        .insert(email: nil, phoneNumber: phoneNumber, linkedId: nil, createdAt: Self.createdAt)
                    ]),
                    insertedIDs: [2 * pair + 2])
                merges.append(
                    (
                        2 * pair + 1, 2 * pair + 2,
                        ContactLink(email: email, phoneNumber: phoneNumber, createdAt: Self.createdAt)
                    ))
            }
            for merge in merges {
                writer.appendPlan(
                    ContactPlan([
                        .relinkGroup(primaryID: merge.demoted, survivorID: merge.survivor, updatedAt: Self.createdAt),
                        .addLink(merge.link),
                    ]),
                    insertedIDs: [])
            }
        }
        let loaded = try StoreLoader.load(bytes)
        #expect(loaded.table.linkCount == merges.count)
        let reserved = bytes.withUnsafeBytes {
            StoreLoader.linksAdded(in: $0, from: StoreFormat.headerSize, to: $0.count)
        }
        #expect(reserved >= merges.count)
        #expect(reserved <= merges.count + 1)
    }

    @Test("a links record that claims more links than its bytes hold reserves no more than the bytes allow")
    func linkReservationIsBoundedByTheBytes() throws {
        let link = ContactLink(email: "a@example.com", phoneNumber: "+15550", createdAt: Self.createdAt)
        let bytes = Self.file { writer in
            writer.appendRecord { writer in
                writer.append(StoreFormat.RecordType.links.rawValue)
                writer.append(UInt32.max)
                writer.append(link: link)
            }
        }
        let reserved = bytes.withUnsafeBytes {
            StoreLoader.linksAdded(in: $0, from: StoreFormat.headerSize, to: $0.count)
        }
        #expect(reserved >= 1)
        #expect(reserved <= (bytes.count - StoreFormat.headerSize) / 11)
    }
}
