import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsRecommender

/// A model's offline figures (recall@10 and NDCG@10 on held-out plays, against popularity) and
/// its training time: stored with the model and beside its artifact.
struct TrainingMetrics: Sendable, Encodable {
    var evaluation: OfflineEvaluation
    var trainingSeconds: Double

    enum CodingKeys: String, CodingKey {
        case k
        case recall = "recall_at_k"
        case ndcg = "ndcg_at_k"
        case popularityRecall = "popularity_recall_at_k"
        case popularityNDCG = "popularity_ndcg_at_k"
        case recallLift = "recall_lift"
        case ndcgLift = "ndcg_lift"
        case evaluatedPlayers = "evaluated_players"
        case trainingSeconds = "training_seconds"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(evaluation.k, forKey: .k)
        try container.encode(Self.finite(evaluation.model.recall), forKey: .recall)
        try container.encode(Self.finite(evaluation.model.ndcg), forKey: .ndcg)
        try container.encode(Self.finite(evaluation.popularity.recall), forKey: .popularityRecall)
        try container.encode(Self.finite(evaluation.popularity.ndcg), forKey: .popularityNDCG)
        try container.encode(Self.finite(evaluation.recallLift), forKey: .recallLift)
        try container.encode(Self.finite(evaluation.ndcgLift), forKey: .ndcgLift)
        try container.encode(evaluation.model.players, forKey: .evaluatedPlayers)
        try container.encode(Self.finite(trainingSeconds), forKey: .trainingSeconds)
    }

    /// JSON has no NaN or infinity (a lift over a baseline of zero).
    private static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

    func json() throws -> String { String(decoding: try JSONEncoder.api.encode(self), as: UTF8.self) }

    /// The metadata object stored beside the artifact: what the model is, what it learned from,
    /// how, and how well.
    func metadata(tenantID: String, version: String, parameters: ALSParameters, from: Date, to: Date, players: Int) throws -> [UInt8] {
        let encoded = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder.api.encode(self))
        let encodedParameters = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder.api.encode(parameters))
        let metadata = JSONValue.object([
            "tenant_id": .string(tenantID), "version": .string(version), "method": .string("implicit-als"),
            "window_from": .string(RFC3339Millis.string(from)), "window_to": .string(RFC3339Millis.string(to)), "players": .number(String(players)),
            "parameters": encodedParameters, "metrics": encoded,
        ])
        return Array(try JSONEncoder.api.encode(metadata))
    }
}
