import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON helpers with the settings the task's wire format uses.
enum WireFormat {
    /// Encodes a value as compact JSON without escaping slashes, as UTF-8 text.
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes a request body with the library's `WireCodec`.
    static func decodeBody(_ text: String) throws -> IdentifyRequest {
        try decodeBody(bytes: Array(text.utf8))
    }

    /// Decodes request bytes with the library's `WireCodec`.
    static func decodeBody(bytes: [UInt8]) throws -> IdentifyRequest {
        try bytes.withUnsafeBytes { try WireCodec.decodeRequest($0) }
    }

    /// Decodes a request body with `JSONDecoder`.
    static func decodeRequest(_ json: String) throws -> IdentifyRequest {
        try JSONDecoder().decode(IdentifyRequest.self, from: Data(json.utf8))
    }
}
