import GameMetricsKit

extension IngestionSettings {
    /// Accepted events to the raw topic, rejected ones to the invalid topic; nothing consumed.
    /// The producer is built for exactly this, and the chart's KafkaUser `ingestion` grants it.
    var kafkaAccess: KafkaAccess {
        KafkaAccess(produces: [rawTopic, invalidTopic])
    }
}
