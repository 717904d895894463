import Foundation
import IdentityReconciliation
import IdentityReconciliationTesting

/// One identify request as a client would send it: raw, not yet normalized.
struct BenchmarkRequest: Sendable, Hashable {
    var email: String?
    var phoneNumber: String?
}

/// A named, deterministic request stream, generated entirely in memory before timing starts.
struct Workload: Sendable {
    /// The workload kinds the benchmark knows.
    enum Kind: String, Sendable, CaseIterable, Codable {
        case orders
        case merges
        case dense
        case star
    }

    var kind: Kind
    /// Rows loaded with ``ContactStore/importContacts(_:)`` before timing (the star's group).
    var preload: [Contact]
    /// The timed requests, in order.
    var requests: [BenchmarkRequest]
    /// What the workload is, for the report.
    var summary: String

    /// Generates a workload.
    ///
    /// - Parameters:
    ///   - kind: Which stream.
    ///   - requests: The size knob (for `orders` and `dense` the request count; `merges` and
    ///     `star` derive their shapes from it, see each generator).
    ///   - seed: The seed; the same seed always gives the same requests.
    static func make(_ kind: Kind, requests: Int, seed: UInt64) -> Workload {
        switch kind {
        case .orders:
            return orders(requests: requests, seed: seed, firstCustomer: 0).workload
        case .merges:
            return merges(requests: requests, seed: seed)
        case .dense:
            return dense(requests: requests, seed: seed)
        case .star:
            return star(requests: requests, seed: seed)
        }
    }
}

// MARK: - orders

extension Workload {
    /// A realistic order stream.
    ///
    /// Customers have 1–3 emails (70/20/10%) and 1–2 phone numbers (80/20%); 3% of customers
    /// share their first phone number with an earlier customer (a household). Orders per
    /// customer are heavy-tailed (a discrete Pareto with α = 1.3, capped at 2,000; mean ≈ 3).
    /// Each order carries both fields (60%), the email only (20%) or the phone only (20%),
    /// with the customer's main email and phone used most often. Orders of all customers are
    /// shuffled together, so customers interleave in time. Values arrive formatted the way
    /// clients send them (mixed case, phone punctuation), so normalization does real work.
    ///
    /// - Parameter firstCustomer: The number of the first customer; streams with disjoint
    ///   customer ranges share no values except household phones.
    /// - Returns: The workload and the number of customers it drew.
    static func orders(requests: Int, seed: UInt64, firstCustomer: Int) -> (workload: Workload, customers: Int) {
        var random = SplitMix64(seed: seed)
        var orderOwners: [Int32] = []
        orderOwners.reserveCapacity(requests)
        var customers: [Customer] = []
        while orderOwners.count < requests {
            let number = firstCustomer + customers.count
            let household: Int? =
                customers.isEmpty || Double.random(in: 0..<1, using: &random) >= 0.03
                ? nil : Int.random(in: 0..<customers.count, using: &random)
            var customer = Customer(number: number, random: &random)
            if let household { customer.phones[0] = customers[household].phones[0] }
            let orders = min(paretoOrders(&random), requests - orderOwners.count)
            orderOwners.append(contentsOf: repeatElement(Int32(customers.count), count: orders))
            customers.append(customer)
        }
        orderOwners.shuffle(using: &random)
        var result: [BenchmarkRequest] = []
        result.reserveCapacity(requests)
        for owner in orderOwners {
            result.append(customers[Int(owner)].order(random: &random))
        }
        let workload = Workload(
            kind: .orders, preload: [], requests: result,
            summary: "\(requests) orders from \(customers.count) customers")
        return (workload, customers.count)
    }

    private static func paretoOrders(_ random: inout SplitMix64) -> Int {
        let uniform = Double.random(in: Double.ulpOfOne..<1, using: &random)
        // Inverse transform sampling: P(orders ≥ x) = x^-α.
        return min(2_000, Int(exp(-log(uniform) / 1.3)))
    }

    private struct Customer {
        var emails: [String]
        var phones: [String]

        init(number: Int, random: inout SplitMix64) {
            let names = ["ann", "bob", "chen", "dara", "eli", "fatima", "goran", "hana", "ivan", "jo"]
            let domains = ["example.com", "mail.example.org", "shop.example.net", "inbox.example.io"]
            let name = names[number % names.count]
            let emailCount = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3][Int.random(in: 0..<10, using: &random)]
            emails = (0..<emailCount).map { index in
                let domain = domains[Int.random(in: 0..<domains.count, using: &random)]
                let local = "\(name).\(number)" + (index == 0 ? "" : "+\(index)")
                // One address in ten arrives with capitals, as people type them.
                return Int.random(in: 0..<10, using: &random) == 0
                    ? "\(local.capitalized)@\(domain.uppercased())" : "\(local)@\(domain)"
            }
            let phoneCount = Int.random(in: 0..<5, using: &random) == 0 ? 2 : 1
            phones = (0..<phoneCount).map { index in
                let digits = 200_000_000 + (number * 2 + index) % 799_999_999
                let text = String(digits)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: return "+1\(text)"
                case 1:
                    let a = text.prefix(3)
                    let b = text.dropFirst(3).prefix(3)
                    let c = text.dropFirst(6)
                    return "+1 (\(a)) \(b)-\(c)"
                default: return "+1 \(text.prefix(3)) \(text.dropFirst(3))"
                }
            }
        }

        /// One order: the main value 70% of the time, another one otherwise.
        func order(random: inout SplitMix64) -> BenchmarkRequest {
            func pick(_ values: [String]) -> String {
                values.count == 1 || Int.random(in: 0..<10, using: &random) < 7
                    ? values[0] : values[Int.random(in: 1..<values.count, using: &random)]
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6: return BenchmarkRequest(email: pick(emails), phoneNumber: pick(phones))
            case 6..<8: return BenchmarkRequest(email: pick(emails), phoneNumber: nil)
            default: return BenchmarkRequest(email: nil, phoneNumber: pick(phones))
            }
        }
    }
}

// MARK: - merges, dense, star

extension Workload {
    /// Adversarial merges: many old single contacts, one large group, then requests that
    /// merge that group into ever older contacts, so every merge relinks the whole group.
    ///
    /// Shape from `requests` (n): `n/2` old singles, a group of `min(10,000, n/4)` rows, then
    /// `min(1,000, n/4)` requests that each merge the group into the next older single.
    static func merges(requests: Int, seed: UInt64) -> Workload {
        let singles = max(1, requests / 2)
        let groupSize = max(2, min(10_000, requests / 4))
        let merges = max(1, min(singles, 1_000, requests / 4))
        var result: [BenchmarkRequest] = []
        result.reserveCapacity(singles + groupSize + merges)
        for index in 0..<singles {
            result.append(BenchmarkRequest(email: "old\(index)@merges.example", phoneNumber: "+44 \(100_000 + index)"))
        }
        result.append(BenchmarkRequest(email: "big@merges.example", phoneNumber: "+1 999 000 0000"))
        for index in 1..<groupSize {
            result.append(BenchmarkRequest(email: "big\(index)@merges.example", phoneNumber: "+1 999 000 0000"))
        }
        // The group's email with the phone of an ever older single: that single's group is
        // older, so the whole (growing) group is demoted into it.
        for step in 0..<merges {
            let single = singles - 1 - step
            result.append(BenchmarkRequest(email: "big@merges.example", phoneNumber: "+44 \(100_000 + single)"))
        }
        return Workload(
            kind: .merges, preload: [], requests: result,
            summary: "\(singles) singles, a group of \(groupSize), \(merges) merges of the whole group")
    }

    /// Small alphabets: values fall into clusters of 4 emails and 4 phone numbers
    /// (`n/50` clusters), and each request draws from one cluster, so nearly every request
    /// matches an existing group and the early ones in each cluster merge groups.
    static func dense(requests: Int, seed: UInt64) -> Workload {
        var random = SplitMix64(seed: seed)
        let clusters = max(1, requests / 50)
        var result: [BenchmarkRequest] = []
        result.reserveCapacity(requests)
        for _ in 0..<requests {
            let cluster = Int.random(in: 0..<clusters, using: &random)
            let request = random.request(emails: 4, phones: 4)
            result.append(
                BenchmarkRequest(
                    email: request.email.map { "c\(cluster)." + $0 },
                    phoneNumber: request.phoneNumber.map { "\(cluster * 10 + Int($0)!)" }))
        }
        return Workload(
            kind: .dense, preload: [], requests: result,
            summary: "\(requests) requests over \(clusters) clusters of 4 emails × 4 phones")
    }

    /// One person with `min(10,000, n)` rows (loaded before timing) queried `min(1,000, n/5)`
    /// times by one of their emails: every response consolidates the whole group.
    static func star(requests: Int, seed: UInt64) -> Workload {
        var random = SplitMix64(seed: seed)
        let members = max(2, min(10_000, requests))
        let queries = max(1, min(1_000, requests / 5))
        let epoch = Date(timeIntervalSince1970: 1_700_000_000)
        var rows: [Contact] = []
        rows.reserveCapacity(members)
        for id in 1...members {
            let created = epoch.addingTimeInterval(Double(id))
            rows.append(
                Contact(
                    id: id, email: "star\(id)@star.example", phoneNumber: "+15550000000",
                    linkedId: id == 1 ? nil : 1, linkPrecedence: id == 1 ? .primary : .secondary,
                    createdAt: created, updatedAt: created))
        }
        let result = (0..<queries).map { _ in
            BenchmarkRequest(email: "star\(Int.random(in: 1...members, using: &random))@star.example", phoneNumber: nil)
        }
        return Workload(
            kind: .star, preload: rows, requests: result,
            summary: "\(queries) queries of one person with \(members) rows")
    }
}

// MARK: - existing rows

extension Workload {
    /// `workload` on a table that already holds `rows` rows: single-row groups (primaries)
    /// with their own emails and phone numbers, dated before the requests, which no request
    /// matches. They make the table and its indexes large without changing what the
    /// requests do, so a cost that grows with the table shows.
    static func withExistingRows(_ rows: Int, _ workload: Workload) -> Workload {
        let epoch = Date(timeIntervalSince1970: 1_600_000_000)
        var preload = workload.preload
        preload.reserveCapacity(preload.count + rows)
        let first = (preload.map(\.id).max() ?? 0) + 1
        for index in 0..<rows {
            let created = epoch.addingTimeInterval(Double(index) / 1_000)
            preload.append(
                Contact(
                    id: first + index, email: "existing\(index)@existing.example", phoneNumber: "+9\(index)",
                    linkedId: nil, linkPrecedence: .primary, createdAt: created, updatedAt: created))
        }
        return Workload(
            kind: workload.kind, preload: preload, requests: workload.requests,
            summary: workload.summary + " on \(rows) existing rows")
    }
}
