import Hummingbird
import HummingbirdTesting
import IdentifyServer
import IdentityReconciliation
import IdentityReconciliationTesting
import Testing

@Suite("store failures")
struct StoreFailureTests {
    @Test(
        "a failing store is a 500 internal_error; the details go to the log only",
        arguments: ["/identify", "/contacts", "/contacts/1"])
    func storeFailure(path: String) async throws {
        let server = TestServer(store: FailingContactStore(throwing: DiskOnFire()))
        try await server.run { client in
            let response =
                path == "/identify"
                ? try await client.identify(#"{"email":"doc@hillvalley.edu"}"#) : try await client.get(path)
            #expect(response.status == .internalServerError)
            #expect(response.error?.code == "internal_error")
            #expect(!response.text.contains("disk on fire"))
        }
        let failures = server.logs.entries.filter { $0.message == "request failed" }
        #expect(failures.count == 1)
        #expect(failures.first?.level == .error)
        #expect(failures.first?.metadata["error"]?.description.contains("disk on fire") == true)
    }

    @Test(
        "a failing store is a 500 internal_error for the corrections too",
        arguments: ["DELETE /contacts/1", "POST /forget", "POST /contacts/1/erase"])
    func correctionStoreFailure(route: String) async throws {
        let server = TestServer(
            store: FailingContactStore(throwing: DiskOnFire()), adminToken: try AdminToken(testAdminToken))
        try await server.run { client in
            let response =
                switch route {
                case "DELETE /contacts/1": try await client.deleteContact("1")
                case "POST /forget": try await client.forget(#"{"email":"doc@hillvalley.edu"}"#)
                default: try await client.eraseContact("1")
                }
            #expect(response.status == .internalServerError)
            #expect(response.error?.code == "internal_error")
            #expect(!response.text.contains("disk on fire"))
        }
        #expect(server.logs.entries.filter { $0.message == "request failed" }.count == 1)
    }

    @Test("input errors are still 400s, checked before the store is touched")
    func inputErrorBeforeStore() async throws {
        try await TestServer(store: FailingContactStore(throwing: DiskOnFire())).run { client in
            let response = try await client.identify(#"{"email":"nope"}"#)
            #expect(response.status == .badRequest)
            #expect(response.error?.code == "invalid_email")
        }
    }
}

/// What the store throws, as a broken disk would.
private struct DiskOnFire: Error, CustomStringConvertible {
    var description: String { "disk on fire" }
}
