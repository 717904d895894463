/// Why a ``FileContactStore`` operation failed: a ``Code`` plus the file, the byte offset
/// and the `errno` where they apply.
///
/// ```swift
/// do {
///     let store = try FileContactStore(path: "contacts.store")
/// } catch where error.code == .alreadyLocked {
///     print("another process is using the store")
/// }
/// ```
public struct FileContactStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added in later versions; switch with a `default`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// A short identifier, for example `alreadyLocked`.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// Another ``FileContactStore`` (in this or another process) holds the file's lock.
        public static let alreadyLocked = Code("alreadyLocked")
        /// The path names a directory.
        public static let isDirectory = Code("isDirectory")
        /// The file, or its directory, may not be read or written by this process.
        public static let permissionDenied = Code("permissionDenied")
        /// The file does not exist (in ``FileContactStore/AccessMode/readOnly``), or its directory does not.
        public static let notFound = Code("notFound")
        /// The file is not a contact store: its header is not this format's.
        public static let notAStoreFile = Code("notAStoreFile")
        /// The file was written by a newer version of the format, which this library cannot read.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The file is damaged before its tail: a checksum or a record is wrong at ``FileContactStoreError/offset``.
        /// Nothing was changed; restore the file from a backup.
        public static let corrupted = Code("corrupted")
        /// A read, write or sync of the file failed (for example with `EIO`).
        public static let ioFailed = Code("ioFailed")
        /// The disk or the quota is full (`ENOSPC`, `EDQUOT`).
        public static let diskFull = Code("diskFull")
        /// The store was opened ``FileContactStore/AccessMode/readOnly`` and the call writes.
        public static let readOnly = Code("readOnly")
        /// The store was closed with ``FileContactStore/close()``.
        public static let closed = Code("closed")
        /// An earlier write or sync failed, so the store refuses every call until it is reopened.
        public static let unusable = Code("unusable")
        /// The file holds an erasure whose purge a crash interrupted: the erased values are
        /// still in its bytes. Only a ``FileContactStore/AccessMode/readWrite`` open, which
        /// finishes the purge first, may open it.
        public static let purgePending = Code("purgePending")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// The store file (or, for a failure on its directory or compaction file, that path).
    public var path: String
    /// The byte offset in the file where the problem is, for ``Code/corrupted`` and some others.
    public var offset: Int?
    /// The `errno` of the failed system call, for I/O failures.
    public var errno: Int32?
    /// A sentence saying what went wrong.
    public var message: String

    /// Creates an error.
    public init(code: Code, path: String, offset: Int? = nil, errno: Int32? = nil, message: String) {
        self.code = code
        self.path = path
        self.offset = offset
        self.errno = errno
        self.message = message
    }

    /// `<path>: <code>[ at offset N]: <message>[ (errno N)]`.
    public var description: String {
        var text = "\(path): \(code)"
        if let offset { text += " at offset \(offset)" }
        text += ": \(message)"
        if let errno { text += " (errno \(errno))" }
        return text
    }
}
