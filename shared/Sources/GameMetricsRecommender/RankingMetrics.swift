import Foundation

/// Recall@k and NDCG@k of a recommender, averaged over the evaluated players (each player counts
/// once), with binary relevance: a recommended game is relevant if it is among the player's
/// held-out games.
public struct RankingMetrics: Sendable, Codable, Equatable {
    /// Mean over players of |top-k ∩ relevant| / |relevant| (plain recall, not divided by
    /// min(k, |relevant|)).
    public var recall: Double
    /// Mean over players of DCG@k / IDCG@k, with DCG@k = Σ_{r=1..k} rel_r / log₂(r + 1) and IDCG@k
    /// the DCG of a ranking with every relevant game first (min(k, |relevant|) ones).
    public var ndcg: Double
    /// Players averaged over.
    public var players: Int

    public init(recall: Double, ndcg: Double, players: Int) {
        self.recall = recall
        self.ndcg = ndcg
        self.players = players
    }

    /// One player's recall@k; 0 if nothing is relevant.
    public static func recall(ranked: [Int32], relevant: Set<Int32>, k: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        let hits = ranked.prefix(k).filter { relevant.contains($0) }.count
        return Double(hits) / Double(relevant.count)
    }

    /// One player's NDCG@k; 0 if nothing is relevant.
    public static func ndcg(ranked: [Int32], relevant: Set<Int32>, k: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        var dcg = 0.0
        for (position, game) in ranked.prefix(k).enumerated() where relevant.contains(game) {
            dcg += 1 / log2(Double(position) + 2)
        }
        var ideal = 0.0
        for position in 0..<min(k, relevant.count) { ideal += 1 / log2(Double(position) + 2) }
        return dcg / ideal
    }
}
