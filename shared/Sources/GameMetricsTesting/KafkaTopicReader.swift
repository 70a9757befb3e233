import Foundation
import Kafka
import Logging

/// Reads a test topic from the beginning with a fresh consumer group.
public enum KafkaTopicReader {
    /// Records until `count` arrived, or until none arrived for `idle` (then fewer are returned,
    /// so a test can assert the count instead of hanging). Before the first record the wait is
    /// `firstRecordTimeout`: joining a group takes seconds on a busy machine.
    public static func read(
        _ topic: String, count: Int, idle: Duration = .seconds(10), firstRecordTimeout: Duration = .seconds(45),
        bootstrap: [String]? = nil, logger: Logger = Logger(label: "topic-reader")
    ) async throws -> [KafkaConsumerMessage] {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: try bootstrap ?? TestServers.kafkaBootstrap, groupID: "reader-\(UUID().uuidString)", topics: [topic],
            clientID: "topic-reader")
        configuration.offsetReset = .earliest
        configuration.closeTimeout = .seconds(2)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let collected = Collected()
        try await withRunningServices([consumer], logger: logger) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in consumer.messages {
                        if await collected.append(message) >= count { return }
                    }
                }
                group.addTask {
                    while await collected.waited(idle: idle, firstRecordTimeout: firstRecordTimeout) == false {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        }
        return await collected.messages
    }

    private actor Collected {
        var messages: [KafkaConsumerMessage] = []
        var lastArrival = ContinuousClock.now

        /// Whether the reader has waited long enough without a record.
        func waited(idle: Duration, firstRecordTimeout: Duration) -> Bool {
            ContinuousClock.now - lastArrival >= (messages.isEmpty ? firstRecordTimeout : idle)
        }

        func append(_ message: KafkaConsumerMessage) -> Int {
            messages.append(message)
            lastArrival = .now
            return messages.count
        }
    }
}
