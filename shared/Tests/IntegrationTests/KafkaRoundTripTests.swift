import GameMetricsTesting
import Foundation
import GameMetricsKit
import Kafka
import Logging
import ServiceLifecycle
import Testing

/// The Kafka wrapper against devkafka's 3-broker cluster. Serialized because one test takes a
/// broker down, which every client of the cluster notices.
@Suite("Kafka producer and consumer on devkafka", .serialized)
struct KafkaRoundTripTests {
    let logger = Logger(label: "kafka-tests")

    @Test("100k records produced and consumed arrive once each, none lost")
    func everyRecordArrivesOnce() async throws {
        let topic = try await makeTopic()
        let result = try await produceAndConsume(topic: topic, count: 100_000, during: { _ in })
        #expect(result.failedAcknowledgements == 0)
        #expect(result.consumed.count == 100_000)
        #expect(result.duplicates == 0)
    }

    @Test("100k records survive a broker going down and coming back during the run")
    func recordsSurviveABrokerOutage() async throws {
        // Its own devkafka: the outage must not move the coordinators of other tests' groups.
        try await PrivateDevKafka.with { devKafka in
            let topic = try await makeTopic(on: devKafka.control)
            let control = devKafka.control
            let result = try await produceAndConsume(
                topic: topic, count: 100_000, bootstrap: devKafka.bootstrap,
                during: { acknowledged in
                    if acknowledged == 30_000 { try await control.setBrokerDown(2) }
                    if acknowledged == 70_000 { try await control.setBrokerUp(2) }
                })
            #expect(result.failedAcknowledgements == 0)
            #expect(result.consumed.count == 100_000)
            #expect(result.duplicates == 0)
        }
    }

    @Test("a restarted consumer resumes from the committed offset")
    func restartedConsumerResumesAfterCommit() async throws {
        let topic = try await makeTopic(partitions: 1)
        let producer = try KafkaProducer(configuration: producerConfiguration(), logger: logger)
        try await running([producer]) {
            let messages = (0..<1000).map { KafkaProducerMessage(topic: topic, key: "k", value: Array("\($0)".utf8)) }
            let results = await producer.send(messages)
            #expect(results.allSatisfy { (try? $0.get()) != nil })
        }
        let group = "resume-\(UUID().uuidString)"

        let first = try KafkaConsumer(configuration: consumerConfiguration(topic: topic, group: group), logger: logger)
        let firstRead = try await running([first]) {
            let read = try await first.messages.first(400)
            try await first.commit(processed: read)
            return read
        }
        #expect(firstRead.map(\.offset) == Array(0..<400))

        let second = try KafkaConsumer(configuration: consumerConfiguration(topic: topic, group: group), logger: logger)
        let secondRead = try await running([second]) { try await second.messages.first(600) }
        #expect(secondRead.first?.offset == 400)
        #expect(secondRead.map(\.offset) == Array(400..<1000))
    }

    @Test("keys and headers survive the round trip")
    func keysAndHeadersRoundTrip() async throws {
        let topic = try await makeTopic(partitions: 3)
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let producer = try KafkaProducer(configuration: producerConfiguration(), logger: logger)
        let acknowledgement = try await running([producer]) {
            try await producer.send(
                KafkaProducerMessage(
                    topic: topic, key: "tenant-a:player-1", value: Array(#"{"n":1}"#.utf8),
                    headers: [KafkaHeader(key: "traceparent", string: traceparent), KafkaHeader(key: "empty", value: nil)]))
        }
        #expect(acknowledgement.topic == topic)

        let consumer = try KafkaConsumer(configuration: consumerConfiguration(topic: topic, group: UUID().uuidString), logger: logger)
        let message = try #require(try await running([consumer]) { try await consumer.messages.first(1) }.first)
        #expect(message.keyString == "tenant-a:player-1")
        #expect(message.value == Array(#"{"n":1}"#.utf8))
        #expect(message.headers.string(for: "traceparent") == traceparent)
        #expect(message.headers.contains(KafkaHeader(key: "empty", value: nil)))
        #expect(message.partition == acknowledgement.partition && message.offset == acknowledgement.offset)
        #expect(message.timestamp != nil)
    }

    @Test("a record no broker takes fails with a delivery error instead of hanging")
    func unreachableClusterFailsDelivery() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"], clientID: "unreachable")
        configuration.messageTimeout = .seconds(1)
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let results = try await running([producer]) {
            await producer.send([KafkaProducerMessage(topic: "anything", key: "k", value: [1, 2, 3])])
        }
        guard case .failure(.deliveryFailed) = results[0] else {
            Issue.record("expected a delivery failure, got \(results[0])")
            return
        }
    }

    @Test("a property librdkafka refuses is reported by name")
    func invalidPropertyIsNamed() throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"], clientID: "bad-config")
        configuration.additionalProperties = ["linger.ms": "not-a-number"]
        do {
            _ = try KafkaProducer(configuration: configuration, logger: logger)
            Issue.record("the producer accepted linger.ms=not-a-number")
        } catch let KafkaError.invalidConfiguration(property, _) {
            #expect(property == "linger.ms")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    // MARK: - Helpers

    struct RoundTrip {
        var failedAcknowledgements = 0
        var consumed: Set<String> = []
        var duplicates = 0
    }

    /// Produces `count` distinct records in batches of 1,000 while one consumer reads them all.
    /// `during` runs after every batch with the number acknowledged so far.
    private func produceAndConsume(
        topic: String, count: Int, bootstrap: [String]? = nil, during: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> RoundTrip {
        var producerSettings = try producerConfiguration()
        var consumerSettings = try consumerConfiguration(topic: topic, group: UUID().uuidString)
        if let bootstrap {
            producerSettings.bootstrapServers = bootstrap
            consumerSettings.bootstrapServers = bootstrap
        }
        let producer = try KafkaProducer(configuration: producerSettings, logger: logger)
        let consumer = try KafkaConsumer(configuration: consumerSettings, logger: logger)
        return try await running([producer, consumer]) {
            try await withTimeout(.seconds(120)) {
                async let failures: Int = {
                    var failures = 0
                    for start in stride(from: 0, to: count, by: 1000) {
                        try Task.checkCancellation()
                        let batch = (start..<min(start + 1000, count)).map {
                            KafkaProducerMessage(topic: topic, key: "player-\($0 % 977)", value: Array("record-\($0)".utf8))
                        }
                        failures += await producer.send(batch).filter { (try? $0.get()) == nil }.count
                        try await during(start + batch.count)
                    }
                    return failures
                }()
                var result = RoundTrip()
                for try await batch in consumer.batches {
                    for message in batch {
                        if !result.consumed.insert(String(decoding: message.value, as: UTF8.self)).inserted {
                            result.duplicates += 1
                        }
                    }
                    if result.consumed.count >= count { break }
                }
                result.failedAcknowledgements = try await failures
                return result
            }
        }
    }

    private func makeTopic(partitions: Int = 12, on control: DevKafkaControl? = nil) async throws -> String {
        let name = "test.\(UUID().uuidString.prefix(8).lowercased())"
        try await (control ?? DevKafkaControl(baseURL: try TestServers.devKafkaURL)).createTopic(name, partitions: partitions)
        return name
    }

    private func producerConfiguration() throws -> KafkaProducerConfiguration {
        KafkaProducerConfiguration(bootstrapServers: try TestServers.kafkaBootstrap, clientID: "integration-tests")
    }

    private func consumerConfiguration(topic: String, group: String) throws -> KafkaConsumerConfiguration {
        KafkaConsumerConfiguration(bootstrapServers: try TestServers.kafkaBootstrap, groupID: group, topics: [topic], clientID: "integration-tests")
    }

    private func running<T: Sendable>(_ services: [any Service], _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withRunningServices(services, logger: logger, body)
    }
}

extension KafkaConsumerMessages {
    /// The next `count` records (fewer only if the consumer closes first).
    func first(_ count: Int) async throws -> [KafkaConsumerMessage] {
        var read: [KafkaConsumerMessage] = []
        for try await message in self {
            read.append(message)
            if read.count == count { break }
        }
        return read
    }
}

@Suite("Kafka clients without a cluster")
struct KafkaWithoutClusterTests {
    @Test("sending an empty batch returns at once with no results")
    func emptyBatch() async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"], clientID: "empty"),
            logger: Logger(label: "kafka-tests"))
        let results = try await withTimeout(.seconds(5)) { await producer.send([]) }
        #expect(results.isEmpty)
    }

    @Test("a consumer whose cluster is unreachable still shuts down promptly")
    func consumerShutsDownWithoutCluster() async throws {
        let logger = Logger(label: "kafka-tests")
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: ["127.0.0.1:1"], groupID: "unreachable", topics: ["anything"], clientID: "unreachable")
        configuration.closeTimeout = .seconds(3)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [consumer], logger: logger))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                for try await _ in consumer.batches {}
            }
            try await Task.sleep(for: .seconds(1))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // Without the close timeout librdkafka's close blocks for as long as the cluster is away;
        // the bound leaves room for a machine busy with the other suites.
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test("a cancelled sender stops queueing and its unsent records fail as cancelled")
    func cancelledSendStopsQueueing() async throws {
        let logger = Logger(label: "kafka-tests")
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"], clientID: "cancelled")
        configuration.messageTimeout = .seconds(1)
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [producer], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let send = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await producer.send((0..<10).map { KafkaProducerMessage(topic: "t", key: "k", value: [UInt8($0)]) })
            }
            let results = await send.value
            #expect(results.count == 10)
            #expect(results.allSatisfy { if case .failure(.cancelled) = $0 { true } else { false } })
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
