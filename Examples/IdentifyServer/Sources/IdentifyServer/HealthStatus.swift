/// The body of `GET /health`: `{"status":"ok"}`.
struct HealthStatus: JSONWritable {
    func write(to json: inout [UInt8]) {
        json.append(contentsOf: #"{"status":"ok"}"#.utf8)
    }
}
