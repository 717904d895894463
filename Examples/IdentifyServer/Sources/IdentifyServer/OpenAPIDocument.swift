/// The service's OpenAPI description, `openapi.yaml`, compiled into the binary so
/// `GET /openapi.yaml` works wherever the executable is copied.
enum OpenAPIDocument {
    /// The file's bytes.
    static var bytes: [UInt8] { PackageResources.openapi_yaml }
}
