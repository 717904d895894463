// The store of the DocC article "Implementing a ContactStore" (section "A complete store in
// one actor"), so that the example is compiled and passes the conformance check
// (ArrayContactStoreTests). Everything below this comment is byte-identical to the article's
// snippet; `ArrayContactStoreTests.articleShowsThisFile` fails when the two drift apart.
// Change both together.

import IdentityReconciliation

actor ArrayContactStore: ContactStore {
    private var rows: [Contact] = []
    private var links: [ContactLink] = []
    private var nextID = 1

    func read(_ selection: ContactSelection) -> SelectedContacts {
        select(selection)
    }

    func transaction(
        reading selection: ContactSelection,
        _ plan: @Sendable (consuming SelectedContacts) throws -> CheckedContactPlan
    ) throws -> ContactStoreReceipt {
        // No `await` from here to the return: nothing can interleave.
        let checked = try plan(select(selection))
        for row in checked.updatedRows {
            if let index = rows.firstIndex(where: { $0.id == row.id }) { rows[index] = row }
        }
        links.removeAll { checked.removedLinks.contains($0) }
        links += checked.addedLinks
        let ids = Array(nextID..<nextID + checked.insertCount)
        rows += checked.insertedRows(ids: ids)
        nextID += checked.insertCount
        return ContactStoreReceipt(plan: checked, insertedIDs: ids)
    }

    func contacts(afterID: Int, limit: Int) -> [Contact] {
        Array(rows.lazy.filter { $0.id > afterID }.prefix(max(0, limit)))
    }

    func links(after: ContactLink?, limit: Int) -> [ContactLink] {
        Array(links.sorted().lazy.filter { link in after.map { $0 < link } ?? true }.prefix(max(0, limit)))
    }

    func importContacts(_ contacts: ContactImport) throws {
        guard rows.isEmpty && links.isEmpty else { throw ContactStoreError.notEmpty }
        rows = contacts.contacts
        links = contacts.links
        nextID = (rows.last?.id ?? 0) + 1
    }

    /// Scans every row for what `selection` selects (see `ContactSelection`).
    private func select(_ selection: ContactSelection) -> SelectedContacts {
        // The values rows are selected by; `nil` selects nothing, so the sets never hold it.
        var emails = Set([selection.email].compactMap { $0 })
        var phoneNumbers = Set([selection.phoneNumber].compactMap { $0 })
        func holdsValue(_ row: Contact) -> Bool {
            row.email.map(emails.contains) == true || row.phoneNumber.map(phoneNumbers.contains) == true
        }
        let groups = Set(rows.filter { $0.isLive && (holdsValue($0) || $0.id == selection.contactID) }.map(\.primaryID))
        var selected = rows.filter { $0.isLive && groups.contains($0.primaryID) }
        if selection.includesDeletedRows {
            let ids = Set(selected.map(\.id))
            emails.formUnion(selected.compactMap(\.email))
            phoneNumbers.formUnion(selected.compactMap(\.phoneNumber))
            selected += rows.filter { row in
                !row.isLive
                    && (holdsValue(row) || row.id == selection.contactID || row.linkedId.map(ids.contains) == true)
            }
        }
        guard selection.includesLinks else { return SelectedContacts(rows: selected) }
        // Links join live values: deleted rows' values select none.
        let live = selected.filter(\.isLive)
        emails.formUnion(live.compactMap(\.email))
        phoneNumbers.formUnion(live.compactMap(\.phoneNumber))
        return SelectedContacts(
            rows: selected, links: links.filter { emails.contains($0.email) || phoneNumbers.contains($0.phoneNumber) })
    }
}
