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
public struct CheckedContactPlan: Sendable, Hashable {
    /// What a plan does to existing rows and links; `nil` for plans that only insert, which
    /// is what identify nearly always decides: handing the plan on then copies no more than
    /// the plan and the rows read.
    private final class Changes: Sendable {
        let rowsAfter: [Contact]
        let updatedRows: [Contact]
        let addedLinks: [ContactLink]
        let removedLinks: [ContactLink]

        init(rowsAfter: [Contact], updatedRows: [Contact], addedLinks: [ContactLink], removedLinks: [ContactLink]) {
            self.rowsAfter = rowsAfter
            self.updatedRows = updatedRows
            self.addedLinks = addedLinks
            self.removedLinks = removedLinks
        }
    }

    /// The plan.
    public let plan: ContactPlan
    /// The rows and links the plan was decided on and checked against.
    public let selected: SelectedContacts
    /// How many rows the plan inserts.
    public let insertCount: Int
    private let changes: Changes?

    /// The selected rows as they are after the plan (without the inserted rows), in the
    /// order of ``SelectedContacts/rows``.
    public var rowsAfter: [Contact] { changes?.rowsAfter ?? selected.rows }
    /// The existing rows the plan changes, each once, as they are after the plan.
    public var updatedRows: [Contact] { changes?.updatedRows ?? [] }
    /// The links the plan adds, in order.
    public var addedLinks: [ContactLink] { changes?.addedLinks ?? [] }
    /// The links the plan removes, in order.
    public var removedLinks: [ContactLink] { changes?.removedLinks ?? [] }

    /// A plan of inserts only.
    init(inserting plan: ContactPlan, selected: SelectedContacts) {
        self.plan = plan
        self.selected = selected
        self.insertCount = plan.writes.count
        self.changes = nil
    }

    init(
        plan: ContactPlan, selected: SelectedContacts, rowsAfter: [Contact], updatedRows: [Contact],
        addedLinks: [ContactLink], removedLinks: [ContactLink], insertCount: Int
    ) {
        self.plan = plan
        self.selected = selected
        self.insertCount = insertCount
        self.changes = Changes(
            rowsAfter: rowsAfter, updatedRows: updatedRows, addedLinks: addedLinks, removedLinks: removedLinks)
    }

    /// Two checked plans are equal when the plans and what they were checked against are
    /// (the rest follows from those).
    public static func == (lhs: CheckedContactPlan, rhs: CheckedContactPlan) -> Bool {
        lhs.plan == rhs.plan && lhs.selected == rhs.selected
    }

    /// Hashes the plan and what it was checked against.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(plan)
        hasher.combine(selected)
    }

    /// Whether the plan writes nothing.
    public var isEmpty: Bool { plan.isEmpty }

    /// Calls `body` with each row the plan inserts, in order, with the ids the store assigned.
    ///
    /// - Parameters:
    ///   - ids: One id per inserted row, in order (``insertCount`` of them).
    ///   - body: Called with each inserted row; what it throws is rethrown.
    public func forEachInsertedRow(ids: [Int], _ body: (Contact) throws -> Void) rethrows {
        guard insertCount > 0 else { return }
        var next = ids.makeIterator()
        for write in plan.writes {
            guard case .insert(let email, let phoneNumber, let linkedId, let createdAt) = write, let id = next.next()
            else { continue }
            try body(
                Contact(inserted: id, email: email, phoneNumber: phoneNumber, linkedId: linkedId, createdAt: createdAt))
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

extension Contact {
    /// The row an ``ContactWrite/insert(email:phoneNumber:linkedId:createdAt:)`` write
    /// inserts, under the id `id`.
    init(inserted id: Int, email: String?, phoneNumber: String?, linkedId: Int?, createdAt: Date) {
        self.init(
            id: id, email: email, phoneNumber: phoneNumber, linkedId: linkedId,
            linkPrecedence: linkedId == nil ? .primary : .secondary, createdAt: createdAt, updatedAt: createdAt)
    }
}
