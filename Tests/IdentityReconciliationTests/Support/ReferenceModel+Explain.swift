import IdentityReconciliation

extension ReferenceModel {
    /// The number of steps of the shortest chain of evidence between two live rows, by a
    /// plain breadth-first search over every pair of live rows (O(rows²) per row, obviously
    /// correct); `nil` when either is not live or nothing joins them.
    func evidenceDistance(from source: Int, to target: Int) -> Int? {
        let live = rows.filter(\.isLive)
        guard live.contains(where: { $0.id == source }), live.contains(where: { $0.id == target }) else { return nil }
        var distance = [source: 0]
        var frontier = [source]
        while !frontier.isEmpty {
            var next: [Int] = []
            for id in frontier {
                let row = live.first { $0.id == id }!
                for other in live where distance[other.id] == nil && joins(row, other) {
                    distance[other.id] = distance[id]! + 1
                    next.append(other.id)
                }
            }
            frontier = next
        }
        return distance[target]
    }

    /// Whether one piece of evidence joins two rows directly.
    func joins(_ first: Contact, _ second: Contact) -> Bool {
        (first.email != nil && first.email == second.email)
            || (first.phoneNumber != nil && first.phoneNumber == second.phoneNumber)
            || links.contains { link in
                (first.email == link.email && second.phoneNumber == link.phoneNumber)
                    || (second.email == link.email && first.phoneNumber == link.phoneNumber)
            }
    }

    /// Why a chain of steps is not a valid explanation from `source` to `target` in the
    /// model's rows and links, or `nil` when it is one.
    func problem(with steps: [EvidenceStep], from source: Int, to target: Int) -> String? {
        var at = source
        for (index, step) in steps.enumerated() {
            guard step.from == at else { return "step \(index) starts at \(step.from), not \(at)" }
            guard let from = rows.first(where: { $0.id == step.from && $0.isLive }),
                let to = rows.first(where: { $0.id == step.to && $0.isLive })
            else { return "step \(index) joins a row that is not live" }
            let holds: Bool
            switch step.via {
            case .email(let email): holds = from.email == email && to.email == email
            case .phoneNumber(let phone): holds = from.phoneNumber == phone && to.phoneNumber == phone
            case .link(let link):
                holds =
                    links.contains(link)
                    && ((from.email == link.email && to.phoneNumber == link.phoneNumber)
                        || (to.email == link.email && from.phoneNumber == link.phoneNumber))
            }
            guard holds else { return "step \(index) (\(step)) is not evidence between its rows" }
            at = step.to
        }
        return at == target ? nil : "the chain ends at \(at), not \(target)"
    }
}
