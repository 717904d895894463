/// The evidence that makes live rows one person, as a computation on plain values: two
/// live rows are one person when they share an email or a phone number, or when a link
/// joins an email held by one to a phone number held by the other; transitively.
///
/// ``ContactInvariants`` checks that the groups equal these components; regrouping after a
/// correction computes them; and an import of rows without links synthesizes the links that
/// keep each group together.
struct ContactEvidence {
    /// For each row, the position of its component's representative; `nil` for deleted rows.
    let component: [Int?]

    /// Computes the components of the live rows of `rows` under `links`.
    init(rows: [Contact], links: [ContactLink]) {
        var sets = UnionFind(count: rows.count)
        var emailHolder: [String: Int] = [:]
        var phoneHolder: [String: Int] = [:]
        for (index, row) in rows.enumerated() where row.isLive {
            if let email = row.email {
                if let holder = emailHolder[email] { sets.union(index, holder) } else { emailHolder[email] = index }
            }
            if let phone = row.phoneNumber {
                if let holder = phoneHolder[phone] { sets.union(index, holder) } else { phoneHolder[phone] = index }
            }
        }
        for link in links {
            if let first = emailHolder[link.email], let second = phoneHolder[link.phoneNumber] {
                sets.union(first, second)
            }
        }
        component = rows.indices.map { rows[$0].isLive ? sets.find($0) : nil }
    }

    /// The live rows' positions, one list per component, each in the order of ``rows``;
    /// the components in the order of their first row.
    var components: [[Int]] {
        var order: [Int] = []
        var members: [Int: [Int]] = [:]
        for (index, root) in component.enumerated() {
            guard let root else { continue }
            if members[root] == nil { order.append(root) }
            members[root, default: []].append(index)
        }
        return order.map { members[$0]! }
    }

    /// The links whose email or phone number no live row holds: evidence of nothing.
    static func danglingLinks(in rows: [Contact], links: [ContactLink]) -> [ContactLink] {
        guard !links.isEmpty else { return [] }
        var emails = Set<String>()
        var phones = Set<String>()
        for row in rows where row.isLive {
            if let email = row.email { emails.insert(email) }
            if let phone = row.phoneNumber { phones.insert(phone) }
        }
        return links.filter { !emails.contains($0.email) || !phones.contains($0.phoneNumber) }
    }

    /// Links that join every group (rows sharing a `primaryID`) whose live rows are more than
    /// one component: for each other component, an email of the group so far with a phone
    /// number of the component (or the other way round), dated by the later of the two rows.
    ///
    /// - Returns: The links, and the ids of the live rows of components that no link can join
    ///   (their rows and the rest of the group hold only emails, or only phone numbers).
    static func joiningLinks(for rows: [Contact], links: [ContactLink]) -> (links: [ContactLink], unjoinable: [Int]) {
        let evidence = ContactEvidence(rows: rows, links: links)
        var componentsOfGroup: [Int: [Int]] = [:]  // primary id → component representatives
        var groupOrder: [Int] = []
        var membersOf: [Int: [Int]] = [:]
        for (index, row) in rows.enumerated() where row.isLive {
            let root = evidence.component[index]!
            if membersOf[root] == nil {
                if componentsOfGroup[row.primaryID] == nil { groupOrder.append(row.primaryID) }
                componentsOfGroup[row.primaryID, default: []].append(root)
            }
            membersOf[root, default: []].append(index)
        }
        var added: [ContactLink] = []
        var unjoinable: [Int] = []
        for group in groupOrder {
            let roots = componentsOfGroup[group]!
            guard roots.count > 1 else { continue }
            // Start from the component holding the primary (or the first), then join the others.
            let first = roots.first { root in membersOf[root]!.contains { rows[$0].id == group } } ?? roots[0]
            var joined = membersOf[first]!
            var pending = roots.filter { $0 != first }
            var progress = true
            while !pending.isEmpty && progress {
                progress = false
                for root in pending {
                    let members = membersOf[root]!
                    guard let link = Self.link(joining: joined, members, in: rows) else { continue }
                    added.append(link)
                    joined += members
                    pending.removeAll { $0 == root }
                    progress = true
                    break
                }
            }
            for root in pending { unjoinable += membersOf[root]!.map { rows[$0].id } }
        }
        return (added, unjoinable.sorted())
    }

    /// A link from an email of one set of rows to a phone number of the other, or `nil`.
    private static func link(joining first: [Int], _ second: [Int], in rows: [Contact]) -> ContactLink? {
        for (emails, phones) in [(first, second), (second, first)] {
            guard let emailRow = emails.first(where: { rows[$0].email != nil }),
                let phoneRow = phones.first(where: { rows[$0].phoneNumber != nil })
            else { continue }
            return ContactLink(
                email: rows[emailRow].email!, phoneNumber: rows[phoneRow].phoneNumber!,
                createdAt: max(rows[emailRow].createdAt, rows[phoneRow].createdAt))
        }
        return nil
    }
}
