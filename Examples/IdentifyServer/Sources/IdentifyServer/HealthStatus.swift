/// The body of `GET /health`: `{"status":"ok"}`.
struct HealthStatus: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("status")
        json.string("ok")
        json.endObject()
    }
}
