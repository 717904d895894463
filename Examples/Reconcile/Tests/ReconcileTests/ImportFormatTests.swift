import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

@testable import reconcile

/// How `reconcile import` reads a table: CSV records, and the line and column of every error.
@Suite("Import table formats")
struct ImportFormatTests {
    @Test func csvRecords() throws {
        let text = "id,email,note\r\n1,a@x.io,\"quoted, with comma\"\n\n2,,\"two\nlines \"\"quoted\"\"\"\n3,\"\",x"
        let records = try CSVTable.records(Array(text.utf8))
        #expect(
            records == [
                .init(fields: ["id", "email", "note"], line: 1),
                .init(fields: ["1", "a@x.io", "quoted, with comma"], line: 2),
                .init(fields: ["2", nil, "two\nlines \"quoted\""], line: 4),
                .init(fields: ["3", "", "x"], line: 6),
            ])
    }

    @Test(arguments: [
        ("id\n1,a\"b\n", "line 2: a quote inside an unquoted field"),
        ("id\n\"1\"x\n", "line 2: text after a closing quote"),
        ("id\n\"1\n2\n", "line 2: a quoted field is not closed"),
    ])
    func badCSV(text: String, message: String) {
        #expect(throws: LineFailure(code: "invalid_csv", message: message)) { try CSVTable.records(Array(text.utf8)) }
    }

    @Test func csvRowsBecomeContacts() throws {
        let text = """
            id,phone_number,email,linked_id,link_precedence,created_at,updated_at,deleted_at
            1,123456,lorraine@hillvalley.edu,,primary,2023-04-01 00:00:00.374+00,2023-04-01 00:00:00.374+00,
            23,123456,mcfly@hillvalley.edu,1,secondary,2023-04-20T05:30:00.110Z,2023-04-20T05:30:00.110Z,2023-05-01T00:00:00Z
            """
        let (rows, lines, _, errors) = ImportCommand.parse(Array(text.utf8))
        #expect(errors == [])
        #expect(lines == [2, 3])
        #expect(rows.map(\.id) == [1, 23])
        #expect(rows[1].linkedId == 1 && rows[1].linkPrecedence == .secondary && rows[1].deletedAt != nil)
        #expect(
            rows[0].email == "lorraine@hillvalley.edu" && rows[0].phoneNumber == "123456" && rows[0].linkedId == nil)
    }

    @Test func aByteOrderMarkBeforeTheHeaderIsSkipped() {
        let text =
            "\u{FEFF}id,linkPrecedence,createdAt,updatedAt\r\n7,primary,2023-04-01T00:00:00Z,2023-04-01T00:00:00Z\r\n"
        let (rows, lines, _, errors) = ImportCommand.parse(Array(text.utf8))
        #expect(errors == [])
        #expect(rows.map(\.id) == [7] && lines == [2])
    }

    @Test func aCSVRecordMustMatchTheHeader() {
        let text = "id,linkPrecedence,createdAt,updatedAt\n7,primary,2023-04-01T00:00:00Z\n"
        #expect(ImportCommand.parse(Array(text.utf8)).errors == ["line 2: the record has 3 field(s), the header 4"])
        #expect(
            ImportCommand.parse(Array("email\na@x.io\n".utf8)).errors == [
                "line 1: the first line must be a header naming the columns (id, …)"
            ])
    }

    @Test func rowErrorsNameTheLineAndColumn() {
        let text = """
            {"id":1,"linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00.000Z","updatedAt":"2023-04-01T00:00:00.000Z"}

            {"id":"x","linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00.000Z","updatedAt":"2023-04-01T00:00:00.000Z"}
            {"id":3,"linkPrecedence":"boss","createdAt":"2023-04-01T00:00:00.000Z","updatedAt":"2023-04-01T00:00:00.000Z"}
            {"id":4,"linkPrecedence":"primary","createdAt":"April","updatedAt":"2023-04-01T00:00:00.000Z"}
            {"id":5,"linkPrecedence":"primary","createdAt":"2023-04-01T00:00:00.000Z"}
            {"id":6,
            [1]
            """
        let (rows, _, _, errors) = ImportCommand.parse(Array(text.utf8))
        #expect(rows.map(\.id) == [1])
        #expect(
            errors == [
                #"line 3: id must be an integer, not "x""#,
                #"line 4: linkPrecedence must be primary or secondary, not "boss""#,
                #"line 5: createdAt is not an ISO 8601 timestamp: "April""#,
                "line 6: the row has no updatedAt",
                "line 7: invalid JSON at byte 8: expected a string key, found the end of the line",
                "line 8: the line is a JSON array, expected an object",
            ])
    }
}
