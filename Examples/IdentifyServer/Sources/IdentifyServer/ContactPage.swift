/// The body of `GET /contacts`: one page of rows and where the next page starts.
struct ContactPage: JSONWritable {
    /// The rows, in ascending id order.
    var contacts: [ContactRow]
    /// The `after` value for the next page, or `nil` on the last page.
    var nextAfter: Int?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("contacts")
        json.array(contacts) { $0.value($1) }
        // Written as an explicit null so clients can test `nextAfter == null` to stop.
        json.key("nextAfter")
        json.integer(nextAfter)
        json.endObject()
    }
}
