import Testing

@testable import IdentityReconciliation

/// The table's email and phone number index, on its own.
@Suite("Value index")
struct ValueIndexTests {
    @Test(
        "every value is found at the position of its first claimer, and no other value is found",
        arguments: [0, 300_000])
    func lookups(capacity: Int) {
        // Enough values that some share all 32 stored hash bits: those are told apart only by
        // comparing the values themselves.
        let values = (0..<300_000).map { "value-\($0)@x.io" }
        var index = ValueIndex(capacity: capacity)
        var rows: [String] = []
        for value in values {
            rows.append(value)
            index.claim(value, for: rows.count - 1) { rows[$0] }
        }
        // A second row with a value already held does not take it over.
        for value in values.prefix(1_000) {
            rows.append(value)
            index.claim(value, for: rows.count - 1) { rows[$0] }
        }
        #expect(index.count == values.count)
        var sharedHashes = 0
        var seen: [UInt32: Int] = [:]
        for (position, value) in values.enumerated() {
            #expect(index.position(of: value) { rows[$0] } == position)
            if seen.updateValue(position, forKey: UInt32(truncatingIfNeeded: value.hashValue)) != nil {
                sharedHashes += 1
            }
        }
        #expect(sharedHashes > 0, "no two values shared their stored hash bits; the comparison went untested")
        for missing in ["value-300000@x.io", "", "value-1@x.i"] {
            #expect(index.position(of: missing) { rows[$0] } == nil)
        }
    }

    @Test("an empty index finds nothing")
    func empty() {
        #expect(ValueIndex().position(of: "a@x.io") { _ in nil } == nil)
        #expect(ValueIndex(capacity: 10).position(of: "a@x.io") { _ in nil } == nil)
    }

    @Test("released values leave no gap: every remaining value is still found, and released ones are not")
    func release() {
        // Few slots for many values, so that probe runs are long and cross each other.
        let values = (0..<50_000).map { "value-\($0)@x.io" }
        var index = ValueIndex()
        for (position, value) in values.enumerated() {
            index.claim(value, for: position) { values[$0] }
        }
        for position in stride(from: 0, to: values.count, by: 2) {
            index.release(values[position], from: position, to: nil)
        }
        #expect(index.count == values.count / 2)
        for (position, value) in values.enumerated() {
            #expect(index.position(of: value) { values[$0] } == (position.isMultiple(of: 2) ? nil : position))
        }
        // Released values can be claimed again.
        for position in stride(from: 0, to: values.count, by: 2) {
            index.claim(values[position], for: position) { values[$0] }
        }
        #expect(index.count == values.count)
        for (position, value) in values.enumerated() {
            #expect(index.position(of: value) { values[$0] } == position)
        }
    }

    @Test("a released value passes to its heir; a release by a row that is not recorded changes nothing")
    func releaseToHeir() {
        let rows = ["a@x.io", "a@x.io", "b@x.io"]
        var index = ValueIndex()
        for position in rows.indices { index.claim(rows[position], for: position) { rows[$0] } }
        #expect(index.position(of: "a@x.io") { rows[$0] } == 0)
        index.release("a@x.io", from: 2, to: nil)
        index.release("a@x.io", from: 1, to: nil)
        #expect(index.position(of: "a@x.io") { rows[$0] } == 0)
        index.release("a@x.io", from: 0, to: 1)
        #expect(index.position(of: "a@x.io") { rows[$0] } == 1)
        #expect(index.count == 2)
        index.release("a@x.io", from: 1, to: nil)
        #expect(index.position(of: "a@x.io") { rows[$0] } == nil)
        #expect(index.position(of: "b@x.io") { rows[$0] } == 2)
        #expect(index.count == 1)
    }
}
