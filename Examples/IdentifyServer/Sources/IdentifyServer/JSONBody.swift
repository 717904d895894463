import Hummingbird
import IdentityReconciliation

/// JSON in and out of request and response bodies, in the task's wire format.
enum JSONBody {
    /// A response with `value` as its compact JSON body.
    static func response(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        var json: [UInt8] = []
        json.reserveCapacity(256)
        value.write(to: &json)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// Reads a `POST /identify` body with ``IdentityReconciliation/WireCodec/decodeRequest(_:)``.
    ///
    /// - Throws: ``APIError`` 400 (see ``APIError/init(_:)-(WireCodecError)``).
    static func identifyRequest(from buffer: ByteBuffer) throws(APIError) -> IdentifyRequest {
        let decoded = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(WireCodecError) in try WireCodec.decodeRequest(bytes) }
        }
        return try decoded.mapError { APIError($0) }.get()
    }
}
