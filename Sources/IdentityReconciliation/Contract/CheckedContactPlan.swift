#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``ContactPlan`` that passed ``ContactPlan/checked(against:)``, with what it does to
/// the rows it was decided on. Only the library creates one.
///
/// A ``ContactStore`` persists it inside the transaction that read ``selected``: it
/// inserts ``insertedRows(ids:)`` under ids it assigns, stores each of ``updatedRows`` in
/// place of the row with the same id, and adds and removes the links. Stores that keep a
/// journal may record ``ContactPlan/writes`` instead (a merge is one write, whatever the size
/// of the group) and replay them through ``ContactPlan/checked(against:)`` when they load.
///
/// A final class with constant properties, so that handing it from the check through the
/// store to the result, on every identify, costs one reference count and not one per array.
public final class CheckedContactPlan: Sendable, Hashable {
    /// The plan.
    public let plan: ContactPlan
    /// The rows and links the plan was decided on and checked against.
    public let selected: SelectedContacts
    /// The selected rows as they are after the plan (without the inserted rows), in the
    /// order of ``SelectedContacts/rows``.
    public let rowsAfter: [Contact]
    /// The existing rows the plan changes, each once, as they are after the plan.
    public let updatedRows: [Contact]
    /// The links the plan adds, in order.
    public let addedLinks: [ContactLink]
    /// The links the plan removes, in order.
    public let removedLinks: [ContactLink]
    /// How many rows the plan inserts.
    public let insertCount: Int

    init(
        plan: ContactPlan, selected: SelectedContacts, rowsAfter: [Contact], updatedRows: [Contact],
        addedLinks: [ContactLink], removedLinks: [ContactLink], insertCount: Int
    ) {
        self.plan = plan
        self.selected = selected
        self.rowsAfter = rowsAfter
        self.updatedRows = updatedRows
        self.addedLinks = addedLinks
        self.removedLinks = removedLinks
        self.insertCount = insertCount
    }

    /// Whether the plan writes nothing.
    public var isEmpty: Bool { plan.isEmpty }

    /// Two checked plans are equal when every property is.
    public static func == (lhs: CheckedContactPlan, rhs: CheckedContactPlan) -> Bool {
        lhs === rhs
            || (lhs.plan == rhs.plan && lhs.selected == rhs.selected && lhs.rowsAfter == rhs.rowsAfter
                && lhs.updatedRows == rhs.updatedRows && lhs.addedLinks == rhs.addedLinks
                && lhs.removedLinks == rhs.removedLinks && lhs.insertCount == rhs.insertCount)
    }

    /// Hashes the plan and what it was checked against.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(plan)
        hasher.combine(selected)
    }

    /// Calls `body` with each row the plan inserts, in order, with the ids the store assigned.
    ///
    /// - Parameter ids: One id per inserted row, in order (``insertCount`` of them).
    public func forEachInsertedRow(ids: [Int], _ body: (Contact) throws -> Void) rethrows {
        guard insertCount > 0 else { return }
        var next = ids.makeIterator()
        for write in plan.writes {
            guard case .insert(let email, let phoneNumber, let linkedId, let createdAt) = write, let id = next.next()
            else { continue }
            try body(
                Contact(
                    id: id, email: email, phoneNumber: phoneNumber, linkedId: linkedId,
                    linkPrecedence: linkedId == nil ? .primary : .secondary, createdAt: createdAt,
                    updatedAt: createdAt))
        }
    }

    /// The rows the plan inserts, in the order of its ``ContactWrite/insert(email:phoneNumber:linkedId:createdAt:)``
    /// writes, with the ids the store assigned.
    ///
    /// - Parameter ids: One id per inserted row, in order (``insertCount`` of them).
    public func insertedRows(ids: [Int]) -> [Contact] {
        var rows: [Contact] = []
        rows.reserveCapacity(insertCount)
        forEachInsertedRow(ids: ids) { rows.append($0) }
        return rows
    }
}
