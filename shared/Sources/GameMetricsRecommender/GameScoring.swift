/// Exact top-k by dot product over every game: what the offline evaluation ranks with, and the
/// reference an approximate index (HNSW) is measured against.
public enum GameScoring {
    /// The `k` games with the highest `vector · y_game`, best first, leaving out `excluded`
    /// (typically the games the player already played). Ties go to the lower game index.
    public static func topGames(
        for vector: some Collection<Float>, gameFactors: [Float], factors: Int, k: Int, excluding excluded: Set<Int32> = []
    ) -> [ScoredGame] {
        precondition(vector.count == factors)
        let query = Array(vector)
        let games = gameFactors.count / factors
        var best = TopK(capacity: k)
        query.withUnsafeBufferPointer { query in
            gameFactors.withUnsafeBufferPointer { all in
                for game in 0..<games where !excluded.contains(Int32(game)) {
                    let score = Kernels.dot(query.baseAddress!, all.baseAddress! + game &* factors, factors)
                    best.offer(ScoredGame(gameIndex: Int32(game), score: score))
                }
            }
        }
        return best.ranked
    }

    /// `topGames` for a player of `model`.
    public static func topGames(forPlayer player: Int, model: FactorModel, k: Int, excluding excluded: Set<Int32> = [])
        -> [ScoredGame]
    {
        topGames(
            for: model.playerVector(player), gameFactors: model.gameFactors, factors: model.factors, k: k, excluding: excluded)
    }
}
