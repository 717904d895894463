// The child process of the file store's crash test (FileStoreCrashTests).
//
//     FileStoreCrashHelper <store path> <requests file> <first request index>
//
// Opens the store with immediate durability and identifies the requests of the file
// (written by `Requests.fileText`) from the given index on. After each identify returns it
// writes `ack <index> <inserted id or 0>` to standard output, unbuffered, so the
// parent knows exactly which changes were acknowledged when it kills this process with
// SIGKILL. Exits 0 at the end of the requests, 1 on an error.
import IdentityReconciliation
import IdentityReconciliationTestSupport

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

let arguments = CommandLine.arguments
guard arguments.count == 4, let first = Int(arguments[3]) else {
    say("usage: FileStoreCrashHelper <store path> <requests file> <first request index>")
    exit(2)
}
do {
    let requests = try Requests.read(path: arguments[2])
    let store = try FileContactStore(path: arguments[1], durability: .immediate)
    let resolver = IdentityResolver(store: store)
    for index in first..<requests.count {
        let result = try await resolver.identify(email: requests[index].email, phoneNumber: requests[index].phoneNumber)
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
