import Foundation

/// A temporary directory for one test, removed with its contents on deinit.
///
/// By default it is on `/dev/shm` (a tmpfs) when that exists: syncs cost nothing there, and
/// on a loaded machine a real disk's sync can take milliseconds, which makes tests with
/// thousands of identifies slow. What survives a power cut is tested through the simulated
/// file system, and the crash test passes `onDisk: true`. Set `FILESTORE_TEST_DIRECTORY`
/// to put every test's files somewhere else.
package final class TemporaryDirectory: Sendable {
    package let path: String

    package init(onDisk: Bool = false) throws {
        var parent = NSTemporaryDirectory()
        if let override = ProcessInfo.processInfo.environment["FILESTORE_TEST_DIRECTORY"] {
            parent = override
        } else if !onDisk && access("/dev/shm", W_OK) == 0 {
            parent = "/dev/shm"
        }
        var template = Array((parent + "/filestore-test-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let created else { throw TestSetupError(message: "mkdtemp in \(parent) failed: errno \(errno)") }
        path = String(cString: created)
    }

    /// A path inside the directory.
    package func file(_ name: String = "contacts.store") -> String { path + "/" + name }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A test could not set up what it needs (a directory, a file, a helper process).
package struct TestSetupError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package var description: String { message }

    package init(message: String) { self.message = message }
}

/// The bytes of a file.
package func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Replaces a file's bytes.
package func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
