// The child process of the file store's crash test (FileStoreCrashTests).
//
//     FileStoreCrashHelper <store path> <requests file> <first request index>
//
// Opens the store with immediate durability and identifies the requests of the file (one
// per line, `email<TAB>phone`, `-` for none) from the given index on. After each identify
// returns it writes `ack <index> <inserted id or 0>` to standard output, unbuffered, so the
// parent knows exactly which changes were acknowledged when it kills this process with
// SIGKILL. Exits 0 at the end of the requests, 1 on an error.
import IdentityReconciliation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func say(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let count = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { exit(1) }
        done += count
    }
}

func readRequests(_ path: String) -> [(String?, String?)] {
    guard let file = fopen(path, "r") else {
        say("error cannot read \(path)")
        exit(1)
    }
    defer { fclose(file) }
    var requests: [(String?, String?)] = []
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    while getline(&line, &capacity, file) > 0 {
        let text = String(cString: line!).split(separator: "\n").first.map(String.init) ?? ""
        let fields = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 2 else { continue }
        requests.append((fields[0] == "-" ? nil : fields[0], fields[1] == "-" ? nil : fields[1]))
    }
    free(line)
    return requests
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let first = Int(arguments[3]) else {
    say("usage: FileStoreCrashHelper <store path> <requests file> <first request index>")
    exit(2)
}
let requests = readRequests(arguments[2])
do {
    let store = try FileContactStore(path: arguments[1], durability: .immediate)
    let resolver = IdentityResolver(store: store)
    for index in first..<requests.count {
        let result = try await resolver.identify(email: requests[index].0, phoneNumber: requests[index].1)
        let inserted: Int
        switch result.outcome {
        case .createdPrimary(let id), .createdSecondary(let id): inserted = id
        default: inserted = 0
        }
        say("ack \(index) \(inserted)")
    }
    try store.close()
    say("done")
} catch {
    say("error \(error)")
    exit(1)
}
