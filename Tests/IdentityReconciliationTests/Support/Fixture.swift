import IdentityReconciliation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hand-made rows and timestamps for tests on plain values.
enum Fixture {
    /// A fixed origin for timestamps.
    static let epoch = Date(timeIntervalSince1970: 1_600_000_000)

    /// `epoch` plus `seconds`.
    static func at(_ seconds: Double) -> Date { epoch.addingTimeInterval(seconds) }

    /// A live primary row created (and last updated) at `createdAt` seconds.
    static func primary(
        _ id: Int, _ email: String?, _ phoneNumber: String?, at createdAt: Double, deletedAt: Double? = nil
    ) -> Contact {
        Contact(
            id: id, email: email, phoneNumber: phoneNumber, linkedId: nil, linkPrecedence: .primary,
            createdAt: at(createdAt), updatedAt: at(createdAt), deletedAt: deletedAt.map(at))
    }

    /// A secondary row of `primaryID` created (and last updated) at `createdAt` seconds.
    static func secondary(
        _ id: Int, _ email: String?, _ phoneNumber: String?, of primaryID: Int, at createdAt: Double,
        deletedAt: Double? = nil
    ) -> Contact {
        Contact(
            id: id, email: email, phoneNumber: phoneNumber, linkedId: primaryID, linkPrecedence: .secondary,
            createdAt: at(createdAt), updatedAt: at(createdAt), deletedAt: deletedAt.map(at))
    }
}
