/// What ``FileContactStore`` repaired when it opened a file whose tail was torn, for
/// example by a crash in the middle of a write.
///
/// Only bytes that no sync had covered are dropped: every change acknowledged under
/// ``FileContactStore/Durability/immediate`` or ``FileContactStore/Durability/grouped``,
/// and under ``FileContactStore/Durability/deferred`` every change before the last
/// completed ``FileContactStore/sync()``, is kept. Damage in synced bytes is not repaired:
/// opening throws ``FileContactStoreError/Code/corrupted`` instead.
public struct FileStoreRecovery: Sendable, Hashable, CustomStringConvertible {
    /// The byte offset where the valid data ends: the file was truncated here, or (when
    /// opened read-only) reading stopped here.
    public var offset: Int
    /// How many bytes after ``offset`` were discarded (up to the last nonzero byte).
    public var discardedBytes: Int
    /// Whether the file itself was truncated (`false` when opened read-only: the
    /// damaged tail was only ignored).
    public var truncated: Bool

    /// Creates a recovery report.
    public init(offset: Int, discardedBytes: Int, truncated: Bool) {
        self.offset = offset
        self.discardedBytes = discardedBytes
        self.truncated = truncated
    }

    /// `truncated N torn byte(s) at offset M`, or `ignored …` when opened read-only.
    public var description: String {
        "\(truncated ? "truncated" : "ignored") \(discardedBytes) torn byte(s) at offset \(offset)"
    }
}
