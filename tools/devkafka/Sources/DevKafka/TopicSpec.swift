import Foundation
import GameMetricsKit

/// `charts/kafka/topics.json`: the topics every environment has.
struct TopicSpec: Decodable, Sendable {
    struct Topic: Decodable, Sendable {
        let name: String
        let partitions: Int
        let retentionMs: Int64
        let cleanupPolicy: String
    }

    let topics: [Topic]

    static func load(path: String) throws -> TopicSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(variable: "GM_DEVKAFKA_TOPICS", problem: "names '\(path)', which cannot be read")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let spec = try decoder.decode(TopicSpec.self, from: data)
            if let bad = spec.topics.first(where: { $0.partitions < 1 || $0.name.isEmpty }) {
                throw ConfigurationError(variable: "GM_DEVKAFKA_TOPICS", problem: "has an invalid topic '\(bad.name)'")
            }
            return spec
        } catch let error as DecodingError {
            throw ConfigurationError(variable: "GM_DEVKAFKA_TOPICS", problem: "is not a valid topic spec: \(error)")
        }
    }
}
