import Foundation
import GameMetricsErasure
import GameMetricsKafka
import GameMetricsKit

/// The service's own `GM_RECOMMENDATION_*` settings (the README lists them with their defaults).
struct RecommendationSettings: Sendable {
    /// When models are trained, in UTC: `GM_RECOMMENDATION_TRAIN_SCHEDULE` (`40 2 * * *`).
    var trainSchedule: CronSchedule
    /// The play history a model learns from: `GM_RECOMMENDATION_TRAIN_WINDOW_DAYS` (90) days back.
    var trainWindowDays: Int
    /// A tenant with fewer players than `GM_RECOMMENDATION_TRAIN_MIN_PLAYERS` (20) gets no model.
    var trainMinPlayers: Int
    /// `GM_RECOMMENDATION_ALS_ITERATIONS` (15), `_ALS_ALPHA` (2: confidence 1 + α·log(1 + plays)).
    var alsIterations: Int
    var alsAlpha: Float
    /// The regularisations λ tried on each training's hold-out; the best one trains the model
    /// (λ does not carry over between data sizes: ADR 0038): `GM_RECOMMENDATION_ALS_REGULARIZATION`,
    /// comma-separated (`5,20,50,100`).
    var alsRegularizations: [Float]
    /// The traffic share a newly trained model gets beside the tenant's primary one:
    /// `GM_RECOMMENDATION_CANDIDATE_PERCENT` (10; 0 trains it without serving it).
    var candidatePercent: Int
    /// Models kept per tenant beside the ones served: `GM_RECOMMENDATION_KEEP_MODELS` (2).
    var keepModels: Int
    /// HNSW search breadth (`hnsw.ef_search`): `GM_RECOMMENDATION_EF_SEARCH` (64).
    var efSearch: Int
    /// Served lists stay in Redis this long unless the player's activity invalidates them:
    /// `GM_RECOMMENDATION_CACHE_TTL_SECONDS` (300).
    var cacheTTL: Duration
    /// How often a replica re-reads every tenant's rollout (another replica's change reaches it
    /// within this): `GM_RECOMMENDATION_ROLLOUT_REFRESH_MS` (2000).
    var rolloutRefresh: Duration
    /// Bound of each statement of the serving path: `GM_RECOMMENDATION_STATEMENT_TIMEOUT_MS` (2000).
    var statementTimeout: Duration
    var activityTopic: String
    var activityGroupID: String
    var generatedTopic: String
    var erasureTopic: String
    var erasureGroupID: String

    init(environment: EnvironmentReader) throws {
        let expression = environment.string("GM_RECOMMENDATION_TRAIN_SCHEDULE", default: "40 2 * * *")
        do {
            trainSchedule = try CronSchedule(expression)
        } catch {
            throw ConfigurationError(variable: "GM_RECOMMENDATION_TRAIN_SCHEDULE", problem: "is not a cron expression: \(error)")
        }
        trainWindowDays = try environment.int("GM_RECOMMENDATION_TRAIN_WINDOW_DAYS", default: 90, in: 1...3_650)
        trainMinPlayers = try environment.int("GM_RECOMMENDATION_TRAIN_MIN_PLAYERS", default: 20, in: 2...10_000_000)
        alsIterations = try environment.int("GM_RECOMMENDATION_ALS_ITERATIONS", default: 15, in: 1...100)
        alsAlpha = Float(try environment.double("GM_RECOMMENDATION_ALS_ALPHA", default: 2, in: 0.01...10_000))
        let lambdas = environment.string("GM_RECOMMENDATION_ALS_REGULARIZATION", default: "5,20,50,100").split(separator: ",").map {
            Float($0.trimmingCharacters(in: .whitespaces))
        }
        guard !lambdas.isEmpty, lambdas.count <= 6, lambdas.allSatisfy({ $0 != nil && $0! > 0 && $0! <= 100_000 }) else {
            throw ConfigurationError(variable: "GM_RECOMMENDATION_ALS_REGULARIZATION", problem: "must list 1 to 6 numbers in (0, 100000], comma-separated")
        }
        alsRegularizations = lambdas.compactMap { $0 }
        candidatePercent = try environment.int("GM_RECOMMENDATION_CANDIDATE_PERCENT", default: 10, in: 0...100)
        keepModels = try environment.int("GM_RECOMMENDATION_KEEP_MODELS", default: 2, in: 0...50)
        efSearch = try environment.int("GM_RECOMMENDATION_EF_SEARCH", default: 64, in: 10...1_000)
        cacheTTL = .seconds(try environment.int("GM_RECOMMENDATION_CACHE_TTL_SECONDS", default: 300, in: 1...86_400))
        rolloutRefresh = .milliseconds(try environment.int("GM_RECOMMENDATION_ROLLOUT_REFRESH_MS", default: 2_000, in: 100...600_000))
        statementTimeout = .milliseconds(try environment.int("GM_RECOMMENDATION_STATEMENT_TIMEOUT_MS", default: 2_000, in: 100...600_000))
        activityTopic = environment.string("GM_RECOMMENDATION_ACTIVITY_TOPIC", default: "player.events.processed")
        activityGroupID = environment.string("GM_RECOMMENDATION_ACTIVITY_GROUP", default: "recommendation-activity")
        generatedTopic = environment.string("GM_RECOMMENDATION_GENERATED_TOPIC", default: "recommendations.generated")
        erasureTopic = environment.string("GM_RECOMMENDATION_ERASURE_TOPIC", default: ErasureMessage.topic)
        erasureGroupID = environment.string("GM_RECOMMENDATION_ERASURE_GROUP", default: ErasureParticipant.groupID(for: .recommendation))
    }

    /// What it does with Kafka: follows players' activity, publishes served lists, takes part in
    /// erasure.
    var kafkaAccess: KafkaAccess {
        KafkaAccess(produces: [generatedTopic], consumes: [KafkaAccess.Consumption(topic: activityTopic, group: activityGroupID)])
            .union(ErasureParticipant.kafkaAccess(topic: erasureTopic, groupID: erasureGroupID))
    }
}
