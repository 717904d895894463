extension ContactEvidence {
    /// The shortest chain of evidence from the live row `source` to the live row `target`
    /// among `rows` (any order; deleted rows are ignored) under `links` (any order).
    ///
    /// Breadth first over rows, with each email, phone number and link expanded once (from
    /// the first row reached that holds it, which is never farther than the others), so the
    /// cost is O(rows + links), not O(pairs of rows sharing a value).
    ///
    /// The choice among equally short chains does not depend on the order of `rows` or
    /// `links`: rows are explored in the order they are reached, starting at `source`; from
    /// each row, first the rows sharing its email, then those sharing its phone number, then
    /// those across each link from its email, then those across each link to its phone number
    /// (links in ``ContactLink`` order, rows by ascending id); a row keeps the first step that
    /// reached it.
    ///
    /// - Returns: The steps from `source` to `target`; empty when they are the same live row;
    ///   `nil` when either is not a live row of `rows` or no evidence joins them.
    static func shortestPath(
        from source: Int, to target: Int, rows: [Contact], links: [ContactLink]
    ) -> [EvidenceStep]? {
        let live = rows.filter(\.isLive).sorted { $0.id < $1.id }
        guard let start = live.firstIndex(where: { $0.id == source }), live.contains(where: { $0.id == target })
        else { return nil }
        guard source != target else { return [] }

        var emailHolders: [String: [Int]] = [:]
        var phoneHolders: [String: [Int]] = [:]
        for (index, row) in live.enumerated() {
            if let email = row.email { emailHolders[email, default: []].append(index) }
            if let phone = row.phoneNumber { phoneHolders[phone, default: []].append(index) }
        }
        var linksByEmail: [String: [ContactLink]] = [:]
        var linksByPhone: [String: [ContactLink]] = [:]
        for link in links.sorted() {
            linksByEmail[link.email, default: []].append(link)
            linksByPhone[link.phoneNumber, default: []].append(link)
        }

        // The step that first reached each row; the start row is marked reached by itself.
        var reachedBy: [EvidenceStep?] = Array(repeating: nil, count: live.count)
        var reached = Array(repeating: false, count: live.count)
        reached[start] = true
        var queue = [start]
        var head = 0
        func reach(_ holders: [Int]?, from current: Int, via: EvidenceStep.Via) {
            for index in holders ?? [] where !reached[index] {
                reached[index] = true
                reachedBy[index] = EvidenceStep(from: live[current].id, to: live[index].id, via: via)
                queue.append(index)
            }
        }
        var expandedEmails = Set<String>()
        var expandedPhones = Set<String>()
        while head < queue.count {
            let current = queue[head]
            head += 1
            if let email = live[current].email, expandedEmails.insert(email).inserted {
                reach(emailHolders[email], from: current, via: .email(email))
                for link in linksByEmail[email] ?? [] {
                    reach(phoneHolders[link.phoneNumber], from: current, via: .link(link))
                }
            }
            if let phone = live[current].phoneNumber, expandedPhones.insert(phone).inserted {
                reach(phoneHolders[phone], from: current, via: .phoneNumber(phone))
                for link in linksByPhone[phone] ?? [] {
                    reach(emailHolders[link.email], from: current, via: .link(link))
                }
            }
        }

        guard let end = live.firstIndex(where: { $0.id == target }), reached[end] else { return nil }
        let position = Dictionary(uniqueKeysWithValues: live.enumerated().map { ($1.id, $0) })
        var steps: [EvidenceStep] = []
        var index = end
        while let step = reachedBy[index] {
            steps.append(step)
            index = position[step.from]!
        }
        return steps.reversed()
    }
}
