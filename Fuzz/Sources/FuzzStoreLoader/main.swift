import Dispatch
import IdentityReconciliation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// libFuzzer target: `FileContactStore` opening a file of arbitrary bytes (see Fuzz/README.md).
// Opening must give a store (the valid prefix of the file) or a typed `FileContactStoreError`:
// never a crash or a hang. A store that opens must then pass its own `verify()` or report
// `corrupted` (see below).
//
// Random bytes almost never pass the header's checksum, so the first input byte chooses how
// the rest becomes a file:
// - bits 0–1 = 0: the rest is the file, as it is;
// - otherwise: a valid header (format version 1 when bit 0 is set, else 2), then the rest cut
//   into records, each `[length: UInt16 LE][payload]` framed with a correct length and
//   CRC-32C, so that the fuzzer works on the payloads; with bit 2 set, the bytes after the
//   last whole record are appended raw (a torn or damaged tail).
// Bit 3 opens the store read-only instead of read-write (which repairs a torn tail).
//
// A store that opens must also keep serving whatever its rows are (see `serve(_:readOnly:)`):
// every operation of the resolver, with values and ids taken from the file, returns or
// throws, never crashes or hangs.

/// CRC-32C (Castagnoli), as the store format uses it.
func crc32c(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = ~0
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

func littleEndian(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

func header(version: UInt32) -> [UInt8] {
    var bytes: [UInt8] = [0x89, 0x49, 0x52, 0x53, 0x0D, 0x0A, 0x1A, 0x0A]
    bytes += littleEndian(version) + littleEndian(32) + [UInt8](repeating: 0, count: 12)
    return bytes + littleEndian(crc32c(bytes))
}

func file(from input: UnsafeRawBufferPointer) -> (bytes: [UInt8], readOnly: Bool) {
    guard let mode = input.first else { return ([], false) }
    let rest = Array(input.dropFirst())
    let readOnly = mode & 8 != 0
    guard mode & 3 != 0 else { return (rest, readOnly) }
    var bytes = header(version: mode & 1 != 0 ? 1 : 2)
    var index = 0
    while index + 2 <= rest.count {
        let length = Int(rest[index]) | Int(rest[index + 1]) << 8
        guard index + 2 + length <= rest.count else { break }
        let payload = Array(rest[(index + 2)..<(index + 2 + length)])
        let frame = littleEndian(UInt32(length))
        bytes += frame + littleEndian(crc32c(frame + payload)) + payload
        index += 2 + length
    }
    if mode & 4 != 0 { bytes += rest[index...] }
    return (bytes, readOnly)
}

/// One directory per process, made on first use: in memory (/dev/shm) where there is one, as
/// opening a store writes and syncs.
let directory: String = {
    let parent = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    var template = Array("\(parent)/identity-fuzz-store-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed: errno \(errno)") }
    // libFuzzer ends a run with exit(); the directory goes with it (a crash leaves it for study).
    atexit {
        unlink(directory + "/store")
        rmdir(directory)
    }
    return String(cString: made)
}()

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { fatalError("open \(path) failed: errno \(errno)") }
    var written = 0
    while written < bytes.count {
        let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard result > 0 else { fatalError("write failed: errno \(errno)") }
        written += result
    }
    close(fd)
}

/// Runs every operation of an ``IdentityResolver`` over `store` with values and ids taken from
/// its first rows: each must return or throw. On a read-only store the writes throw
/// `readOnly`; on a read-write one they are applied, so later operations see them.
func serve(_ store: FileContactStore) async {
    let resolver = IdentityResolver(store: store)
    guard let rows = try? await resolver.contacts(limit: 4) else { return }
    let ids = rows.map(\.id) + [0, (rows.last?.id ?? 0) + 1]
    for row in rows {
        _ = try? await resolver.identify(email: row.email, phoneNumber: row.phoneNumber)
        _ = try? await resolver.identify(email: row.email, phoneNumber: "+1 555 0100")
        _ = try? await resolver.contact(id: row.id)
        if let email = row.email { _ = try? await resolver.contact(email: email) }
        if let phoneNumber = row.phoneNumber { _ = try? await resolver.contact(phoneNumber: phoneNumber) }
        for other in ids { _ = try? await resolver.explain(contactID: row.id, to: other) }
    }
    _ = try? await resolver.report()
    for (index, row) in rows.enumerated() {
        switch index {
        case 0: _ = try? await resolver.delete(contactID: row.id)
        case 1: if let email = row.email { _ = try? await resolver.forget(email: email) }
        case 2: if let phoneNumber = row.phoneNumber { _ = try? await resolver.forget(phoneNumber: phoneNumber) }
        default: _ = try? await resolver.erase(contactID: row.id)
        }
    }
    _ = try? await resolver.report()
    _ = try? await resolver.allLinks()
}

/// Runs `serve(_:)` to its end from this synchronous entry point: libFuzzer's thread waits on
/// a semaphore while a task runs it on the concurrency pool.
func serveToEnd(_ store: FileContactStore) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await serve(store)
        done.signal()
    }
    done.wait()
}

/// libFuzzer's entry point: opens one input, made into a file as described above, as a store.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count)
    let (bytes, readOnly) = file(from: input)
    let path = directory + "/store"
    writeFile(path, bytes)
    let store: FileContactStore
    do {
        store = try FileContactStore(
            path: path, durability: .deferred, mode: readOnly ? .readOnly : .readWrite)
    } catch {
        if error.message.isEmpty { fatalError("an error without a message: \(error)") }
        return 0
    }
    // Opening checks checksums, framing and the groups of snapshot rows, not every invariant
    // (that is `verify()`'s job, and a full check on every open would cost more than the
    // load): records with valid checksums can describe an inconsistent table (a link between
    // groups, a value in two groups), which opens, keeps serving (see `serve(_:)`), and is
    // reported here as `corrupted`. Any other outcome of the check is a failure.
    do {
        try store.verify()
    } catch  where error.code == .corrupted && !error.message.isEmpty {
    } catch {
        fatalError("a store that opened fails its own check with an unexpected error: \(error)")
    }
    serveToEnd(store)
    try? store.close()
    return 0
}
