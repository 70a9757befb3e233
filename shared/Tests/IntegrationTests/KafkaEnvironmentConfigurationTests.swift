import GameMetricsKit
import GameMetricsService
import Kafka
import Testing

@Suite("Kafka producer settings from GM_* variables")
struct KafkaEnvironmentConfigurationTests {
    let base = ["GM_KAFKA_BOOTSTRAP": "127.0.0.1:9092"]

    @Test("tuning properties, linger and queue bounds are read from the environment")
    func readsTuning() throws {
        let configuration = try KafkaProducerConfiguration(
            environment: EnvironmentReader(base.merging([
                "GM_KAFKA_LINGER_MS": "2", "GM_KAFKA_MAX_QUEUED_MESSAGES": "5000",
                "GM_KAFKA_PRODUCER_PROPERTIES": "max.in.flight.requests.per.connection=1, batch.num.messages=500",
            ]) { $1 }),
            clientID: "test")
        #expect(configuration.linger == .milliseconds(2))
        #expect(configuration.maxQueuedMessages == 5000)
        #expect(configuration.additionalProperties == ["max.in.flight.requests.per.connection": "1", "batch.num.messages": "500"])
    }

    @Test("durability cannot be weakened, and malformed pairs are refused naming the variable")
    func refusesDurabilityAndGarbage() {
        for value in ["acks=1", "enable.idempotence=false", "linger.ms", "=5"] {
            #expect(throws: ConfigurationError.self, "\(value)") {
                try KafkaProducerConfiguration(
                    environment: EnvironmentReader(base.merging(["GM_KAFKA_PRODUCER_PROPERTIES": value]) { $1 }), clientID: "test")
            }
        }
    }
}
