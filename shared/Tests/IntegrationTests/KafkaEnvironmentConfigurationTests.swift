import GameMetricsKafka
import GameMetricsKit
import GameMetricsService
import Kafka
import Testing

@Suite("Kafka producer and consumer settings from GM_* variables")
struct KafkaEnvironmentConfigurationTests {
    let base = ["GM_KAFKA_BOOTSTRAP": "127.0.0.1:9092"]

    @Test("tuning properties, linger and queue bounds are read from the environment")
    func readsTuning() throws {
        let configuration = try KafkaProducerConfiguration(
            environment: EnvironmentReader(
                base.merging([
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

    @Test("the consumer's prefetch and tuning properties are read, but its manual offset commits cannot be turned off")
    func consumerTuning() throws {
        let configuration = try KafkaConsumerConfiguration(
            environment: EnvironmentReader(
                base.merging([
                    "GM_KAFKA_CONSUMER_PREFETCH_KB": "8192", "GM_KAFKA_CONSUMER_PROPERTIES": "fetch.max.bytes=8388608",
                ]) { $1 }),
            groupID: "g", topics: ["t"], clientID: "test")
        #expect(configuration.prefetchKilobytes == 8192)
        #expect(configuration.additionalProperties == ["fetch.max.bytes": "8388608"])
        for value in ["enable.auto.commit=true", "enable.auto.offset.store=true", "group.id=other", "fetch.max.bytes"] {
            #expect(throws: ConfigurationError.self, "\(value)") {
                try KafkaConsumerConfiguration(
                    environment: EnvironmentReader(base.merging(["GM_KAFKA_CONSUMER_PROPERTIES": value]) { $1 }),
                    groupID: "g", topics: ["t"], clientID: "test")
            }
        }
        #expect(throws: ConfigurationError.self) {
            try KafkaConsumerConfiguration(
                environment: EnvironmentReader(base.merging(["GM_KAFKA_CONSUMER_PREFETCH_KB": "10"]) { $1 }),
                groupID: "g", topics: ["t"], clientID: "test")
        }
    }
}
