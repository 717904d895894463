import IdentityReconciliation
import IdentityReconciliationTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An identify request of a generated workload.
package typealias Request = (email: String?, phoneNumber: String?)

/// Generated request workloads and the file form the crash test hands its child process.
package enum Requests {
    /// Requests whose values collide densely inside clusters (4 emails and 4 phone numbers
    /// each), so there are many merges and races while groups stay small: an identify costs
    /// O(size of its group), and one giant group would make a test slow, not stronger.
    package static func clustered(count: Int, seed: UInt64, clusters: Int) -> [Request] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let cluster = Int.random(in: 0..<clusters, using: &random)
            let email = "c\(cluster)e\(Int.random(in: 0..<4, using: &random))@x.io"
            let phone = "\(cluster)0\(Int.random(in: 0..<4, using: &random))"
            return random.request(email: email, phoneNumber: phone)
        }
    }

    /// `requests` as the lines of a file: `email<TAB>phone`, `-` for none.
    package static func fileText(_ requests: [Request]) -> String {
        requests.map { "\($0.email ?? "-")\t\($0.phoneNumber ?? "-")\n" }.joined()
    }

    /// The requests of a file written as ``fileText(_:)``.
    ///
    /// - Throws: ``TestSetupError`` when the file cannot be read or a line is not two fields.
    package static func read(path: String) throws -> [Request] {
        guard let file = fopen(path, "r") else { throw TestSetupError(message: "cannot read \(path): errno \(errno)") }
        defer { fclose(file) }
        var requests: [Request] = []
        var line: UnsafeMutablePointer<CChar>?
        defer { free(line) }
        var capacity = 0
        while getline(&line, &capacity, file) > 0, let line {
            let fields = String(cString: line).dropLast().split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw TestSetupError(message: "\(path), line \(requests.count + 1): expected email<TAB>phone")
            }
            requests.append((fields[0] == "-" ? nil : String(fields[0]), fields[1] == "-" ? nil : String(fields[1])))
        }
        return requests
    }
}
