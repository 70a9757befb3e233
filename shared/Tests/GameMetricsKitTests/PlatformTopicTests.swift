import Foundation
import GameMetricsKit
import Testing

@Suite("The platform's topic names are the ones the topic spec declares")
struct PlatformTopicTests {
    static let topicSpec = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("charts/kafka/topics.json")

    struct Spec: Decodable {
        struct Topic: Decodable { let name: String }
        let topics: [Topic]
    }

    @Test("every PlatformTopic is declared in charts/kafka/topics.json")
    func declaredInSpec() throws {
        let spec = try JSONDecoder().decode(Spec.self, from: Data(contentsOf: Self.topicSpec))
        let declared = Set(spec.topics.map(\.name))
        #expect(PlatformTopic.all.count == 7)
        for topic in PlatformTopic.all {
            #expect(declared.contains(topic), "\(topic) is not in charts/kafka/topics.json")
        }
    }
}
