/// A hash index from an email or a phone number to the position of one row holding it,
/// for ``ContactTable``.
///
/// A `[String: Int]` would keep a second copy of every key and hash every key again each
/// time it grows. This index stores only the row's position and 32 bits of the value's hash
/// in an 8-byte slot, and compares a candidate against the value in the row itself, which
/// the caller reads next anyway. Growing moves slots by their stored hash bits without
/// touching a string. Lookups and inserts use linear probing in one flat array.
///
/// A value leaves the index when its row is deleted or loses it (``release(_:from:to:)``):
/// its slot passes to another row holding the value, or is emptied by shifting the slots
/// after it back, so there are no tombstones and lookups never slow down. The hash is
/// `String.hashValue`: seeded per process, so a client cannot choose values that all land
/// in one place.
struct ValueIndex: Sendable {
    fileprivate struct Slot {
        /// The low 32 bits of the value's hash; its low bits choose the slot.
        var hash: UInt32
        /// The row's position + 1; 0 marks an empty slot.
        var position: UInt32
    }

    /// A power of two in length (or empty), at most three quarters full.
    private var slots: [Slot] = []
    private(set) var count = 0

    /// An index with room for `capacity` values before it grows.
    init(capacity: Int = 0) {
        if capacity > 0 { slots = Array(repeating: Slot(hash: 0, position: 0), count: Self.slotCount(for: capacity)) }
    }

    /// The first step of a lookup: the value's hash and its first slot, already read.
    ///
    /// A lookup's cost is mostly waiting for memory. Starting two lookups before finishing
    /// either lets their reads overlap instead of queueing behind each other.
    struct Probe {
        fileprivate var hash: UInt32
        fileprivate var index: Int
        fileprivate var slot: Slot
    }

    /// Starts the lookup of `value`; `nil` when the index is empty.
    func probe(_ value: String) -> Probe? {
        guard !slots.isEmpty else { return nil }
        let hash = Self.hash(value)
        let index = Int(hash) & (slots.count - 1)
        return Probe(hash: hash, index: index, slot: slots[index])
    }

    /// The position of the row holding `value`, or `nil`.
    ///
    /// - Parameter valueAt: The value held by the row at a position.
    func position(of value: String, valueAt: (Int) -> String?) -> Int? {
        probe(value).flatMap { position(of: value, from: $0, valueAt: valueAt) }
    }

    /// Finishes a lookup that ``probe(_:)`` started for the same `value`.
    ///
    /// - Parameter valueAt: The value held by the row at a position.
    func position(of value: String, from probe: Probe, valueAt: (Int) -> String?) -> Int? {
        let mask = slots.count - 1
        var index = probe.index
        var slot = probe.slot
        while true {
            if slot.position == 0 { return nil }
            if slot.hash == probe.hash {
                let position = Int(slot.position) - 1
                if valueAt(position) == value { return position }
            }
            index = (index + 1) & mask
            slot = slots[index]
        }
    }

    /// Records the row at `position` as holding `value`, unless another row already does.
    ///
    /// - Parameter valueAt: The value held by the row at a position.
    mutating func claim(_ value: String, for position: Int, valueAt: (Int) -> String?) {
        // A store of 4 billion rows would need hundreds of gigabytes of memory first.
        precondition(position < Int(UInt32.max), "ValueIndex: more than 4,294,967,294 rows")
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var index = Int(hash) & mask
        while slots[index].position != 0 {
            let slot = slots[index]
            if slot.hash == hash && valueAt(Int(slot.position) - 1) == value { return }
            index = (index + 1) & mask
        }
        slots[index] = Slot(hash: hash, position: UInt32(position + 1))
        count += 1
    }

    /// Stops recording the row at `position` as holding `value`: the row `heir` takes over
    /// when given (another row holding the same value), otherwise the value leaves the index.
    /// Does nothing when another row is recorded for the value.
    ///
    /// The slot is found by the value's hash and the position, without reading the row,
    /// whose value may already have changed.
    mutating func release(_ value: String, from position: Int, to heir: Int?) {
        guard !slots.isEmpty else { return }
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var index = Int(hash) & mask
        while slots[index].hash != hash || Int(slots[index].position) != position + 1 {
            if slots[index].position == 0 { return }
            index = (index + 1) & mask
        }
        if let heir {
            slots[index].position = UInt32(heir + 1)
            return
        }
        // Backward-shift deletion: move later slots of the same probe run into the gap, so
        // that every value stays reachable from its home slot without a tombstone.
        var gap = index
        var next = (gap + 1) & mask
        while slots[next].position != 0 {
            let home = Int(slots[next].hash) & mask
            // The slot may move into the gap unless its home lies cyclically in (gap, next].
            let staysPut = gap <= next ? (gap < home && home <= next) : (gap < home || home <= next)
            if !staysPut {
                slots[gap] = slots[next]
                gap = next
            }
            next = (next + 1) & mask
        }
        slots[gap] = Slot(hash: 0, position: 0)
        count -= 1
    }

    /// Doubles the slots, placing each value by its stored hash bits.
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, position: 0), count: max(16, old.count * 2))
        let mask = slots.count - 1
        for slot in old where slot.position != 0 {
            var index = Int(slot.hash) & mask
            while slots[index].position != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    /// The smallest power of two that holds `capacity` values at most three quarters full.
    private static func slotCount(for capacity: Int) -> Int {
        var count = 16
        while capacity * 4 > count * 3 { count *= 2 }
        return count
    }

    private static func hash(_ value: String) -> UInt32 {
        UInt32(truncatingIfNeeded: value.hashValue)
    }
}
