import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One row of the contact table as `GET /contacts` shows it: the task's column names, in
/// the task's order, `null` for empty columns and ISO-8601 UTC timestamps with milliseconds.
struct ContactRow: JSONWritable {
    var contact: Contact

    // A format style is a value and thread-safe; one shared instance saves building it per row.
    private static let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.integer(contact.id)
        json.key("phoneNumber")
        json.string(contact.phoneNumber)
        json.key("email")
        json.string(contact.email)
        json.key("linkedId")
        json.integer(contact.linkedId)
        json.key("linkPrecedence")
        json.string(contact.linkPrecedence.rawValue)
        json.key("createdAt")
        json.string(Self.timestamp.format(contact.createdAt))
        json.key("updatedAt")
        json.string(Self.timestamp.format(contact.updatedAt))
        json.key("deletedAt")
        json.string(contact.deletedAt.map(Self.timestamp.format))
        json.endObject()
    }
}
