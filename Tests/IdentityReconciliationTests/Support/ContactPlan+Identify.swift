import Foundation
import IdentityReconciliation

/// The four plans an identify can decide, spelled as the tests name them.
extension ContactPlan {
    static let none = ContactPlan()

    static func insertPrimary(email: String?, phoneNumber: String?, createdAt: Date) -> ContactPlan {
        ContactPlan([.insert(email: email, phoneNumber: phoneNumber, linkedId: nil, createdAt: createdAt)])
    }

    static func insertSecondary(email: String?, phoneNumber: String?, primaryID: Int, createdAt: Date) -> ContactPlan {
        ContactPlan([.insert(email: email, phoneNumber: phoneNumber, linkedId: primaryID, createdAt: createdAt)])
    }

    /// A merge without its link, as no identify decides it (for plans that must be refused).
    static func merge(primaryID: Int, demotedPrimaryID: Int, updatedAt: Date) -> ContactPlan {
        ContactPlan([.relinkGroup(primaryID: demotedPrimaryID, survivorID: primaryID, updatedAt: updatedAt)])
    }

    /// A merge with the link of the request that caused it.
    static func merge(
        primaryID: Int, demotedPrimaryID: Int, email: String, phoneNumber: String, updatedAt: Date
    ) -> ContactPlan {
        ContactPlan([
            .relinkGroup(primaryID: demotedPrimaryID, survivorID: primaryID, updatedAt: updatedAt),
            .addLink(ContactLink(email: email, phoneNumber: phoneNumber, createdAt: updatedAt)),
        ])
    }
}

extension ContactPlan {
    /// The selected rows after the plan, then the rows it inserts under `insertedID`.
    func applied(to rows: [Contact], insertedID: Int?) throws -> [Contact] {
        let checked = try checked(against: SelectedContacts(rows: rows))
        return checked.rowsAfter + checked.insertedRows(ids: insertedID.map { [$0] } ?? [])
    }
}
