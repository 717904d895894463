import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON in and out of request and response bodies, in the task's wire format.
enum JSONBody {
    /// A response with `value` as its compact JSON body.
    static func response(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        var json = JSONWriter()
        json.value(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: json.buffer))
    }

    /// Decodes a request body, turning every decoding failure into an ``APIError``.
    ///
    /// A body that is not JSON, or not an object, is `invalid_json`; a field of the wrong JSON
    /// type is reported with the error `fieldErrors` gives for that field.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from buffer: ByteBuffer, fieldErrors: [String: APIError]
    ) throws(APIError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw apiError(for: error, fieldErrors: fieldErrors)
        } catch {
            throw .invalidJSON("the body is not valid JSON")
        }
    }

    private static func apiError(for error: DecodingError, fieldErrors: [String: APIError]) -> APIError {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            guard let field = context.codingPath.first?.stringValue, let fieldError = fieldErrors[field] else {
                return .invalidJSON("the body must be a JSON object")
            }
            return fieldError
        case .keyNotFound(let key, _):
            return .invalidJSON("the body has no \(key.stringValue)")
        case .dataCorrupted:
            return .invalidJSON("the body is not valid JSON")
        @unknown default:
            return .invalidJSON("the body is not valid JSON")
        }
    }
}
