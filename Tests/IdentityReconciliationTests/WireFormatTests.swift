import IdentityReconciliation
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The task's JSON wire format, both ways.
@Suite("Wire format")
struct WireFormatTests {
    static let contact = ConsolidatedContact(
        primaryContactID: 1, emails: ["lorraine@hillvalley.edu", "mc/fly@hillvalley.edu"],
        phoneNumbers: ["123456", "+4420"], secondaryContactIDs: [23, 7])

    @Test("the response body is the task's wire format byte for byte")
    func responseBytes() throws {
        let response = IdentifyResponse(contact: Self.contact)
        let expected =
            #"{"contact":{"primaryContatctId":1,"emails":["lorraine@hillvalley.edu","mc/fly@hillvalley.edu"],"phoneNumbers":["123456","+4420"],"secondaryContactIds":[23,7]}}"#
        #expect(response.wireFormatJSON == expected)
        #expect(Identification(contact: Self.contact, outcome: .unchanged).response.wireFormatJSON == expected)
        let empty = IdentifyResponse(
            contact: ConsolidatedContact(primaryContactID: 42, emails: [], phoneNumbers: ["9"], secondaryContactIDs: [])
        )
        #expect(
            empty.wireFormatJSON
                == #"{"contact":{"primaryContatctId":42,"emails":[],"phoneNumbers":["9"],"secondaryContactIds":[]}}"#)
    }

    @Test("JSONEncoder writes the same keys and values (in sorted order when asked for a stable one)")
    func jsonEncoderAgrees() throws {
        let response = IdentifyResponse(contact: Self.contact)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let sorted = String(decoding: try encoder.encode(response), as: UTF8.self)
        #expect(
            sorted
                == #"{"contact":{"emails":["lorraine@hillvalley.edu","mc/fly@hillvalley.edu"],"phoneNumbers":["123456","+4420"],"primaryContatctId":1,"secondaryContactIds":[23,7]}}"#
        )
        let unsorted = try WireFormat.encode(response)
        #expect(unsorted.utf8.count == response.wireFormatJSON.utf8.count)
        #expect(try JSONDecoder().decode(IdentifyResponse.self, from: Data(unsorted.utf8)) == response)
        #expect(try JSONDecoder().decode(IdentifyResponse.self, from: Data(response.wireFormatJSON.utf8)) == response)
    }

    @Test(
        "strings are escaped as JSONEncoder escapes them",
        arguments: [
            #"quote"me@x.io"#, #"back\slash@x.io"#, "tab\there", "new\nline\r\u{8}\u{C}", "\u{1}\u{1F}", "ünï😀",
        ])
    func escaping(text: String) throws {
        let response = IdentifyResponse(
            contact: ConsolidatedContact(primaryContactID: 1, emails: [text], phoneNumbers: [], secondaryContactIDs: [])
        )
        let json = response.wireFormatJSON
        #expect(try JSONDecoder().decode(IdentifyResponse.self, from: Data(json.utf8)) == response)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let byEncoder = String(decoding: try encoder.encode([text]), as: UTF8.self)
        #expect(json.contains(byEncoder), "\(json) does not contain \(byEncoder)")
    }

    @Test(
        "requests decode with the phone number as a string, an integer, null or absent",
        arguments: [
            (#"{"email":"a@x.io","phoneNumber":"123456"}"#, "a@x.io", "123456"),
            (#"{"email":"a@x.io","phoneNumber":123456}"#, "a@x.io", "123456"),
            (#"{"phoneNumber":919191919191919}"#, nil, "919191919191919"),
            (#"{"phoneNumber":0}"#, nil, "0"),
            // A JSON number with an integral value is an integer, however it is written.
            (#"{"phoneNumber":123456.0}"#, nil, "123456"),
            (#"{"phoneNumber":1e5}"#, nil, "100000"),
            (#"{"email":"a@x.io","phoneNumber":null}"#, "a@x.io", nil),
            (#"{"email":"a@x.io"}"#, "a@x.io", nil),
            (#"{"email":null,"phoneNumber":"1"}"#, nil, "1"),
            (#"{"phoneNumber":"1"}"#, nil, "1"),
            (#"{"email":null,"phoneNumber":null}"#, nil, nil),
            ("{}", nil, nil),
            (#"{"email":"a@x.io","phoneNumber":"1","extra":true}"#, "a@x.io", "1"),
            (#"{"phoneNumber":" 12-34 "}"#, nil, " 12-34 "),
        ] as [(String, String?, String?)])
    func decodeRequest(json: String, email: String?, phoneNumber: String?) throws {
        #expect(try WireFormat.decodeRequest(json) == IdentifyRequest(email: email, phoneNumber: phoneNumber))
    }

    @Test(
        "requests with other JSON types are refused",
        arguments: [
            #"{"phoneNumber":true}"#,
            #"{"phoneNumber":1.5}"#,
            #"{"phoneNumber":-0.5}"#,
            #"{"phoneNumber":1e40}"#,
            #"{"phoneNumber":123456789012345678901234567890}"#,
            #"{"phoneNumber":[123456]}"#,
            #"{"phoneNumber":{"number":"1"}}"#,
            #"{"email":5}"#,
            #"{"email":true}"#,
            #"{"email":["a@x.io"]}"#,
            #"{"email":{"a":"b"}}"#,
            #"["a@x.io","1"]"#,
            #""a@x.io""#,
        ])
    func decodeRefused(json: String) {
        #expect(throws: DecodingError.self) { try WireFormat.decodeRequest(json) }
    }

    @Test("an integer phone number is identified as its decimal string")
    func integerPhoneIdentifies() async throws {
        let resolver = try StoreKind.inMemory.makeResolver()
        _ = try await resolver.identify(try WireFormat.decodeRequest(#"{"email":"a@x.io","phoneNumber":"123456"}"#))
        let again = try await resolver.identify(try WireFormat.decodeRequest(#"{"email":null,"phoneNumber":123456}"#))
        #expect(again.outcome == .unchanged)
        #expect(again.contact.phoneNumbers == ["123456"])
    }

    @Test("requests encode with null for absent fields and decode back")
    func encodeRequest() throws {
        let request = IdentifyRequest(email: nil, phoneNumber: "123456")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(
            String(decoding: try encoder.encode(request), as: UTF8.self) == #"{"email":null,"phoneNumber":"123456"}"#)
        for request in [
            request, IdentifyRequest(email: "a@x.io", phoneNumber: nil), IdentifyRequest(email: nil, phoneNumber: nil),
        ] {
            #expect(try JSONDecoder().decode(IdentifyRequest.self, from: try JSONEncoder().encode(request)) == request)
        }
    }

    @Test("a row encodes with the task's column names and decodes back")
    func contactColumns() throws {
        let row = Fixture.secondary(2, "a@x.io", nil, of: 1, at: 10, deletedAt: 20)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(row), as: UTF8.self)
        for column in ["id", "email", "linkedId", "linkPrecedence", "createdAt", "updatedAt", "deletedAt"] {
            #expect(json.contains("\"\(column)\":"), "\(column) missing from \(json)")
        }
        #expect(json.contains(#""linkPrecedence":"secondary""#))
        #expect(try JSONDecoder().decode(Contact.self, from: Data(json.utf8)) == row)
    }
}
