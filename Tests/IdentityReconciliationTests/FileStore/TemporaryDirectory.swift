import Foundation
import Testing

@testable import IdentityReconciliation

/// A temporary directory for one test, removed with its contents on deinit.
///
/// By default it is on `/dev/shm` (a tmpfs) when that exists: syncs cost nothing there, and
/// on a loaded machine a real disk's sync can take milliseconds, which makes tests with
/// thousands of identifies slow. What survives a power cut is tested through the simulated
/// file system, and the crash test passes `onDisk: true`. Set `FILESTORE_TEST_DIRECTORY`
/// to put every test's files somewhere else.
final class TemporaryDirectory: Sendable {
    let path: String

    init(onDisk: Bool = false) throws {
        var parent = NSTemporaryDirectory()
        if let override = ProcessInfo.processInfo.environment["FILESTORE_TEST_DIRECTORY"] {
            parent = override
        } else if !onDisk && access("/dev/shm", W_OK) == 0 {
            parent = "/dev/shm"
        }
        var template = Array((parent + "/filestore-test-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let created else { throw TestSetupError(message: "mkdtemp failed: errno \(errno)") }
        path = String(cString: created)
    }

    /// A path inside the directory.
    func file(_ name: String = "contacts.store") -> String { path + "/" + name }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Every row of a store, in id order.
func allRows(_ store: some ContactStore) async throws -> [Contact] {
    try await store.contacts(afterID: 0, limit: .max)
}

/// The bytes of a file.
func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Replaces a file's bytes.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
