import Kafka
import Logging

/// Produces records to the test Kafka (`GM_TEST_KAFKA_BOOTSTRAP`) and waits for each
/// acknowledgement: what a test feeds a service's consumer with.
public enum TestProducer {
    public static func send(_ topic: String, key: String, value: [UInt8], clientID: String = "tests") async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: try TestServers.kafkaBootstrap, clientID: clientID), logger: Logger(label: clientID))
        try await withRunningServices([producer]) {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, key: key, value: value))
        }
    }
}
