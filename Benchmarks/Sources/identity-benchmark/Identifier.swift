import IdentityReconciliation
import PostgresContactStore

/// What the runner times: a resolver over a store, or the PostgreSQL reference.
protocol Identifier: Sendable {
    func identify(email: String?, phoneNumber: String?) async throws -> Identification
}

extension IdentityResolver: Identifier {}

extension PostgresReference: Identifier {}
