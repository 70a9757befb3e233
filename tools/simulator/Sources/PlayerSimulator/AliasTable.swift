/// Draws an index with probability proportional to its weight in O(1) (Vose's alias method):
/// built once in O(n), then each draw is one uniform index and one coin. Only positive weights
/// take part, so an index of weight 0 (a disabled game) can never come out, whatever the
/// rounding while building.
struct AliasTable: Sendable {
    /// The indices with a positive weight.
    private let outcomes: [Int32]
    /// Per slot: the chance to keep the slot's own outcome rather than its alias.
    private let keep: [Double]
    /// Per slot: the other slot whose outcome fills it up.
    private let alias: [Int32]

    init(weights: [Double]) {
        let outcomes = weights.indices.filter { weights[$0] > 0 }
        precondition(!outcomes.isEmpty, "an alias table needs a positive weight")
        let total = outcomes.reduce(0.0) { $0 + weights[$1] }
        let n = outcomes.count
        var scaled = outcomes.map { weights[$0] * Double(n) / total }
        var keep = Array(repeating: 1.0, count: n)
        var alias = Array(repeating: Int32(0), count: n)
        var small: [Int] = []
        var large: [Int] = []
        for slot in 0..<n {
            if scaled[slot] < 1 { small.append(slot) } else { large.append(slot) }
        }
        while let s = small.popLast(), let l = large.popLast() {
            keep[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] = scaled[l] + scaled[s] - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        // What is left over is 1 up to rounding: such slots keep their own outcome.
        self.outcomes = outcomes.map { Int32($0) }
        self.keep = keep
        self.alias = alias
    }

    var count: Int { outcomes.count }

    func sample(_ rng: inout SeededGenerator) -> Int {
        let slot = rng.nextInt(below: outcomes.count)
        return Int(rng.nextDouble() < keep[slot] ? outcomes[slot] : outcomes[Int(alias[slot])])
    }
}
