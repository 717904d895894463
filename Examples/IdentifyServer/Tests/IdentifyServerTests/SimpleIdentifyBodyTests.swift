import Foundation
import Hummingbird
import IdentityReconciliation
import Testing

@testable import IdentifyServer

@Suite("SimpleIdentifyBody")
struct SimpleIdentifyBodyTests {
    /// Bodies the fast path must take, with what `JSONDecoder` makes of them.
    @Test(
        "takes the usual bodies and decodes them as JSONDecoder does",
        arguments: [
            #"{"email":"lorraine@hillvalley.edu","phoneNumber":"123456"}"#,
            #"{"phoneNumber":"+1 (555) 123-4567","email":"Ann.5@EXAMPLE.COM"}"#,
            #"{"email":"mcfly@hillvalley.edu"}"#,
            #"{"phoneNumber":"123456"}"#,
            #"{}"#,
            " \t\r\n{ \"email\" : \"a@b.co\" ,\n \"phoneNumber\" : \"1\" } \n",
            #"{"email":"ünïcødé@exämple.com","phoneNumber":""}"#,
            #"{"email":"  padded@example.com  "}"#,
        ])
    func takesUsualBodies(body: String) throws {
        let fast = try #require(SimpleIdentifyBody.decode(ByteBuffer(string: body)))
        #expect(fast == (try JSONDecoder().decode(IdentifyRequest.self, from: Data(body.utf8))))
    }

    /// Bodies the fast path must leave to `JSONDecoder` (which accepts some and refuses others).
    @Test(
        "leaves every other body to JSONDecoder",
        arguments: [
            #"{"email":null,"phoneNumber":"123456"}"#,
            #"{"email":"a@b.co","phoneNumber":123456}"#,
            #"{"email":"a\"b@c.co"}"#,
            #"{"email":"a\u0040b.co"}"#,
            #"{"em\u0061il":"a@b.co"}"#,
            #"{"email":"a@b.co","email":"c@d.co"}"#,
            #"{"email":"a@b.co","name":"Ann"}"#,
            #"{"email":"a@b.co",}"#,
            #"{"email":"a@b.co""#,
            #"{"email":"a@b.co"} {}"#,
            #"{"email":"a@b.co"}x"#,
            #"{"email":"a@b.co" "phoneNumber":"1"}"#,
            #"["a@b.co"]"#,
            #""a@b.co""#,
            "{\"email\":\"tab\there@b.co\"}",
            "\u{FEFF}{\"email\":\"a@b.co\"}",
            "",
            "{",
        ])
    func leavesOtherBodies(body: String) {
        #expect(SimpleIdentifyBody.decode(ByteBuffer(string: body)) == nil)
    }

    @Test("leaves invalid UTF-8 to JSONDecoder")
    func leavesInvalidUTF8() {
        var buffer = ByteBuffer(string: #"{"email":"a"#)
        buffer.writeBytes([0xC3, 0x28])
        buffer.writeString(#"@b.co"}"#)
        #expect(SimpleIdentifyBody.decode(buffer) == nil)
    }
}
