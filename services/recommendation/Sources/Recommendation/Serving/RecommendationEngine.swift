import Foundation
import Logging

/// Answers "what should this player play next": the rollout picks the model (and the arm of an
/// A/B split), the cache answers if it can, otherwise the player's trained vector — or one folded
/// in from their recent plays — is searched against the model's games in pgvector, leaving out
/// what they already play and what the catalogue disables; a player nobody knows gets the
/// tenant's popular games. Every list served is counted and published.
struct RecommendationEngine: Sendable {
    let rollouts: RolloutTable
    let models: ServingModels
    let search: VectorSearch
    let cache: RecommendationCache
    let publisher: GeneratedPublisher
    let metrics: RecommendationMetrics
    let logger: Logger

    func recommend(tenantID: String, playerID: String, limit: Int) async throws -> ServedList {
        let started = ContinuousClock.now
        let rollout = rollouts.rollout(tenantID: tenantID)
        let (variant, servingModel) = rollout.map { $0.variant(for: playerID) } ?? (nil, nil)
        let variantName = variant?.rawValue ?? "none"
        var lookup: RecommendationCache.Lookup?
        do {
            lookup = try await cache.lookup(tenantID: tenantID, playerID: playerID, modelID: servingModel?.modelID, limit: limit)
        } catch {
            metrics.cacheErrors.increment()
            logger.warning("recommendation cache unavailable; computing", metadata: ["error": "\(String(reflecting: error))"])
        }
        var list: ServedList
        if var cached = lookup?.list {
            cached.cached = true
            list = cached
        } else {
            list = try await compute(tenantID: tenantID, playerID: playerID, limit: limit, variant: variantName, modelID: servingModel?.modelID)
            if let generation = lookup?.generation {
                do {
                    try await cache.store(list, tenantID: tenantID, modelID: servingModel?.modelID, limit: limit, generation: generation)
                } catch {
                    metrics.cacheErrors.increment()
                }
            }
        }
        metrics.served(list)
        metrics.duration(seconds: (ContinuousClock.now - started).inSeconds, variant: variantName, cached: list.cached)
        publisher.publish(list, tenantID: tenantID)
        return list
    }

    private func compute(tenantID: String, playerID: String, limit: Int, variant: String, modelID: Int64?) async throws -> ServedList {
        let context = try await search.context(tenantID: tenantID, playerID: playerID, modelID: modelID)
        let excluded = context.played.sorted()
        guard let modelID, let model = try await models.model(modelID) else {
            // No model for the tenant yet: what its players play most this week.
            let popular = try await search.recentlyPopular(tenantID: tenantID, limit: limit + excluded.count)
            let games = try await search.enabled(tenantID: tenantID, ranked: popular, excluded: excluded, limit: limit)
            return ServedList(playerID: playerID, modelVersion: nil, variant: variant, source: .popular, games: games, generatedAt: Date())
        }
        var source = ServedList.Source.popular
        var games: [RecommendedGame] = []
        if let vector = context.vector ?? model.vector(recentPlays: context.recentPlays) {
            source = context.vector == nil ? .foldIn : .model
            games = try await search.nearest(tenantID: tenantID, modelID: modelID, vector: vector, excluded: excluded, limit: limit)
        }
        if games.count < limit {
            // A cold start, or a player who already plays nearly everything the model knows.
            let shown = excluded + games.map(\.gameID)
            games += try await search.enabled(tenantID: tenantID, ranked: model.popular, excluded: shown, limit: limit - games.count)
        }
        return ServedList(playerID: playerID, modelVersion: model.version, variant: variant, source: source, games: games, generatedAt: Date())
    }
}
