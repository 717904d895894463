import Foundation
import IdentityReconciliation

/// What corrections cost: a delete and a forget of one row of a small group, in stores of
/// two sizes (they must cost O(size of the group), not O(store)), and an erasure in a file
/// store, which rewrites the file before it returns, alone and batched.
struct CorrectionFigures: Codable, Sendable {
    /// Per-operation costs in a store of `contacts` rows (pairs: a primary and a secondary sharing a phone number).
    struct Size: Codable, Sendable {
        var contacts: Int
        var operations: Int
        var memoryDeleteMicroseconds: Double
        var memoryForgetMicroseconds: Double
        /// In a `.deferred` file store with purging off (the purge is measured below).
        var fileDeleteMicroseconds: Double
        var fileForgetMicroseconds: Double
    }

    var sizes: [Size]
    /// Rows of the file store the erasures ran in.
    var eraseContacts: Int
    /// One `erase` with the defaults (`.immediate`, purged before it returns).
    var eraseSeconds: Double
    /// Erasures run with purging off, then one `purge()`.
    var batchedErasures: Int
    var batchedEraseSeconds: Double

    /// Rows 1…n: pairs (primary `p<i>@x.io`, phone `<i>`; secondary `s<i>@x.io`, same phone).
    static func rows(_ count: Int) -> [Contact] {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        return (0..<count).map { index in
            let pair = index / 2
            let at = start.addingTimeInterval(Double(index))
            return Contact(
                id: index + 1, email: index.isMultiple(of: 2) ? "p\(pair)@x.io" : "s\(pair)@x.io",
                phoneNumber: "\(pair)", linkedId: index.isMultiple(of: 2) ? nil : index,
                linkPrecedence: index.isMultiple(of: 2) ? .primary : .secondary, createdAt: at, updatedAt: at)
        }
    }

    static func measure(sizes: [Int], eraseContacts: Int, directory: String) async throws -> CorrectionFigures {
        let folder = directory + "/corrections"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var results: [Size] = []
        for contacts in sizes {
            let pairs = contacts / 2
            let operations = min(1_000, pairs / 2)
            let rows = rows(contacts)
            // Distinct pairs for each operation, the same in every store.
            let deleted = (0..<operations).map { ($0 * 7_919) % pairs }
            let forgotten = (0..<operations).map { (pairs - 1) - ($0 * 104_729) % (pairs / 2) }

            let memory = IdentityResolver(store: try InMemoryContactStore(contacts: rows))
            let memoryDelete = try await time(operations) {
                for pair in deleted { _ = try await memory.delete(contactID: 2 * pair + 2) }
            }
            let memoryForget = try await time(operations) {
                for pair in forgotten { _ = try await memory.forget(email: "p\(pair)@x.io") }
            }

            var options = FileContactStore.Options(durability: .deferred)
            options.purgesErasedValues = false
            options.automaticCompaction = false
            let path = folder + "/size-\(contacts).store"
            let file = try FileContactStore(path: path, options: options)
            try await file.importContacts(ContactImport(contacts: rows))
            let fileResolver = IdentityResolver(store: file)
            let fileDelete = try await time(operations) {
                for pair in deleted { _ = try await fileResolver.delete(contactID: 2 * pair + 2) }
            }
            let fileForget = try await time(operations) {
                for pair in forgotten { _ = try await fileResolver.forget(email: "p\(pair)@x.io") }
            }
            try file.close()
            try? FileManager.default.removeItem(atPath: path)
            results.append(
                Size(
                    contacts: contacts, operations: operations, memoryDeleteMicroseconds: memoryDelete,
                    memoryForgetMicroseconds: memoryForget, fileDeleteMicroseconds: fileDelete,
                    fileForgetMicroseconds: fileForget))
        }

        let rows = rows(eraseContacts)
        let path = folder + "/erase.store"
        let loader = try FileContactStore(path: path, durability: .deferred)
        try await loader.importContacts(ContactImport(contacts: rows))
        try loader.close()
        let store = try FileContactStore(path: path)
        let single = Stopwatch.now()
        _ = try await IdentityResolver(store: store).erase(contactID: 1)
        let eraseSeconds = Stopwatch.seconds(since: single)
        try store.close()

        var options = FileContactStore.Options()
        options.purgesErasedValues = false
        let batching = try FileContactStore(path: path, options: options)
        let batch = 100
        let batchStart = Stopwatch.now()
        let resolver = IdentityResolver(store: batching)
        for pair in 1...batch { _ = try await resolver.erase(contactID: 2 * pair + 1) }
        try batching.purge()
        let batchSeconds = Stopwatch.seconds(since: batchStart)
        try batching.close()
        try? FileManager.default.removeItem(atPath: path)
        return CorrectionFigures(
            sizes: results, eraseContacts: eraseContacts, eraseSeconds: eraseSeconds, batchedErasures: batch,
            batchedEraseSeconds: batchSeconds)
    }

    /// Microseconds per operation of `body`, which runs `count` operations.
    private static func time(_ count: Int, _ body: () async throws -> Void) async throws -> Double {
        let start = Stopwatch.now()
        try await body()
        return Stopwatch.seconds(since: start) * 1e6 / Double(max(1, count))
    }

    /// Report lines.
    func text() -> [String] {
        var lines = ["Corrections (µs per operation; one row of a two-row group):"]
        for size in sizes {
            lines.append(
                String(
                    format: "  %9d contacts: delete %.1f, forget %.1f in memory; delete %.1f, forget %.1f in a file "
                        + "(.deferred, purge off); %d of each",
                    size.contacts, size.memoryDeleteMicroseconds, size.memoryForgetMicroseconds,
                    size.fileDeleteMicroseconds, size.fileForgetMicroseconds, size.operations))
        }
        lines.append(
            String(
                format: "  erase in a file store of %d contacts: %.2f s (.immediate, purged before it returns); "
                    + "%d erasures with purging off, then one purge(): %.2f s",
                eraseContacts, eraseSeconds, batchedErasures, batchedEraseSeconds))
        return lines
    }
}
