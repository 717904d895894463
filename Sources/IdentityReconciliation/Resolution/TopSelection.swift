/// The first `capacity` elements of a stream in a ranking, kept in a binary heap: O(log
/// capacity) per element and O(capacity) memory, instead of sorting the whole stream.
struct TopSelection<Element> {
    /// The most elements kept.
    let capacity: Int
    /// Whether the first element ranks before the second (a strict order).
    private let ranksBefore: (Element, Element) -> Bool
    /// A heap whose root is the lowest-ranked element kept: the one a better element evicts.
    private var heap: [Element] = []

    /// Creates an empty selection; a capacity below 1 keeps nothing.
    init(capacity: Int, ranksBefore: @escaping (Element, Element) -> Bool) {
        self.capacity = max(0, capacity)
        self.ranksBefore = ranksBefore
    }

    /// Keeps `element` if it is among the first `capacity` seen so far.
    mutating func consider(_ element: Element) {
        if heap.count < capacity {
            heap.append(element)
            siftUp(heap.count - 1)
        } else if capacity > 0, ranksBefore(element, heap[0]) {
            heap[0] = element
            siftDown(0)
        }
    }

    /// The elements kept, first-ranked first.
    func ranked() -> [Element] { heap.sorted(by: ranksBefore) }

    /// Whether the element at `first` must be nearer the root than the one at `second`.
    private func isAbove(_ first: Int, _ second: Int) -> Bool { ranksBefore(heap[second], heap[first]) }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard isAbove(child, parent) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var top = parent
            let left = 2 * parent + 1
            if left < heap.count && isAbove(left, top) { top = left }
            if left + 1 < heap.count && isAbove(left + 1, top) { top = left + 1 }
            guard top != parent else { return }
            heap.swapAt(parent, top)
            parent = top
        }
    }
}
