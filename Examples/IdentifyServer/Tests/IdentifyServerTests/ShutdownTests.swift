import Hummingbird
import HummingbirdTesting
import IdentifyServer
import IdentityReconciliation
import IdentityReconciliationTesting
import Logging
import ServiceLifecycle
import Testing

@Suite("graceful shutdown")
struct ShutdownTests {
    @Test("a request in flight when shutdown starts is answered before the server stops")
    func inFlightRequestIsAnswered() async throws {
        let store = GatedStore()
        let logger = Logger(label: "shutdown-test")
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = IdentifyApp.makeApplication(
            resolver: IdentityResolver(store: store), host: "127.0.0.1", port: 0, logger: logger
        ) { port in portContinuation.yield(port ?? 0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try #require(await ports.first { _ in true })
            let client = TestClient(host: "127.0.0.1", port: port)
            client.connect()
            async let answer = client.post(
                "/identify", headers: jsonHeaders, body: jsonBody(#"{"email":"doc@hillvalley.edu"}"#))

            // The request is inside the store's transaction: shut down, then let it finish.
            await store.waitUntilEntered()
            await group.triggerGracefulShutdown()
            store.release()

            let response = try await answer
            #expect(response.status == .ok)
            #expect(
                response.body.map { String(buffer: $0) }
                    == #"{"contact":{"primaryContatctId":1,"emails":["doc@hillvalley.edu"],"#
                    + #""phoneNumbers":[],"secondaryContactIds":[]}}"#)
            // The server stops once the answer is out.
            try await tasks.next()
            try? await client.shutdown()
        }
        #expect(try await InvariantChecker.check(store: store.base).count == 1)
    }
}

/// An in-memory store whose transactions wait at a gate, to hold a request in flight.
private final class GatedStore: ContactStore {
    let base = InMemoryContactStore()
    private let entered: AsyncStream<Void>
    private let enteredContinuation: AsyncStream<Void>.Continuation
    private let gate: AsyncStream<Void>
    private let gateContinuation: AsyncStream<Void>.Continuation

    init() {
        (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
        (gate, gateContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Returns once a transaction is waiting at the gate.
    func waitUntilEntered() async {
        _ = await entered.first { _ in true }
    }

    /// Opens the gate for good.
    func release() {
        gateContinuation.finish()
    }

    func transaction(
        reading selection: ContactSelection, _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) async throws -> ContactStoreReceipt {
        enteredContinuation.yield()
        for await _ in gate {}
        return try await base.transaction(reading: selection, plan)
    }

    func read(_ selection: ContactSelection) async throws -> SelectedContacts {
        try await base.read(selection)
    }

    func contacts(afterID: Int, limit: Int) async throws -> [Contact] {
        try await base.contacts(afterID: afterID, limit: limit)
    }

    func links(after: ContactLink?, limit: Int) async throws -> [ContactLink] {
        try await base.links(after: after, limit: limit)
    }

    func importContacts(_ contacts: ContactImport) async throws {
        try await base.importContacts(contacts)
    }
}
