import Foundation
import GameMetricsKit
import GameMetricsTesting
import Kafka
import Testing

@testable import Processor

@Suite("processor erasure: a redelivered request is completed once")
struct ErasureRedeliveryTests {
    @Test("the same erasure request delivered twice gets one completion from the processor")
    func redeliveredRequestIsCompletedOnce() async throws {
        try await ProcessorFixture.run { fixture in
            let request = ErasureRequested(
                requestID: UUID(), tenantID: "tenant-a", playerID: "twice", requestedAt: Date(), requestedBy: "test")
            let message = ErasureMessage.requested(request)
            // A redelivery: the record again, as after a crash before the commit or a replay.
            let record = KafkaProducerMessage(topic: fixture.erasureTopic, key: message.key, value: try message.encoded())
            try await fixture.produce([record, record])
            try await fixture.withProcessor { _ in
                // Both requests and at least one completion; then wait for a second one that must not come.
                _ = try await KafkaTopicReader.read(fixture.erasureTopic, count: 3, idle: .seconds(60))
                try await Task.sleep(for: .seconds(3))
            }
            let completions = try await KafkaTopicReader.read(fixture.erasureTopic, count: 4, idle: .seconds(5))
                .compactMap { try? ErasureMessage.decode($0.value) }
                .filter {
                    if case .completed(let completion) = $0 { return completion.requestID == request.requestID && completion.service == "processor" }
                    return false
                }
            #expect(completions.count == 1, "one completion per request, however often it is delivered")
        }
    }
}
