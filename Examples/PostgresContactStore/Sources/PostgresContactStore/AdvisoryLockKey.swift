/// The keys of the transaction-scoped advisory locks a transaction of the store takes.
///
/// Keys must be equal in every process that shares the database, so they are an FNV-1a
/// hash of a tagged string (Swift's `Hasher` is seeded per process and cannot be used).
/// A collision between two keys only makes two unrelated transactions wait for each
/// other; it never breaks correctness.
enum AdvisoryLockKey {
    /// The key every transaction locks in shared mode and an import locks exclusively, so an
    /// import never runs beside another transaction. It sorts before every other key.
    static let importBarrier = Int64.min

    /// The key of a normalized email.
    static func email(_ email: String) -> Int64 { hash("email:" + email) }

    /// The key of a normalized phone number.
    static func phoneNumber(_ phoneNumber: String) -> Int64 { hash("phone:" + phoneNumber) }

    /// The key of a group, named by its primary's id.
    static func group(_ primaryID: Int) -> Int64 { hash("group:\(primaryID)") }

    /// The key serializing migrations of one table.
    static func migration(_ table: String) -> Int64 { hash("migrate:" + table) }

    /// 64-bit FNV-1a over the UTF-8 bytes, never equal to ``importBarrier``.
    static func hash(_ text: String) -> Int64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        let key = Int64(bitPattern: value)
        return key == importBarrier ? key + 1 : key
    }
}
