/// The best `capacity` scored games seen so far, kept sorted (k is small: insertion is cheaper
/// than a heap and gives the order for free).
struct TopK {
    let capacity: Int
    private(set) var ranked: [ScoredGame] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        ranked.reserveCapacity(self.capacity + 1)
    }

    /// Better: a higher score, or an equal score and a lower game index.
    @inline(__always)
    private static func isBetter(_ a: ScoredGame, than b: ScoredGame) -> Bool {
        a.score > b.score || (a.score == b.score && a.gameIndex < b.gameIndex)
    }

    mutating func offer(_ candidate: ScoredGame) {
        if ranked.count == capacity {
            guard capacity > 0, Self.isBetter(candidate, than: ranked[capacity - 1]) else { return }
            ranked.removeLast()
        }
        var position = ranked.count
        while position > 0 && Self.isBetter(candidate, than: ranked[position - 1]) { position -= 1 }
        ranked.insert(candidate, at: position)
    }
}
