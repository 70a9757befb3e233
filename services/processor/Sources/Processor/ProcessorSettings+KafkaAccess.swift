import GameMetricsErasure
import GameMetricsKit

extension ProcessorSettings {
    /// The raw topic as `groupID`, which the event pipeline consumes.
    var events: KafkaAccess.Consumption {
        KafkaAccess.Consumption(topic: rawTopic, group: groupID)
    }

    /// The event pipeline (raw in; player states and poison records out) and the erasure
    /// participant (which tombstones the processed topic). The producer is built for exactly
    /// this, and the chart's KafkaUser `processor` grants it.
    var kafkaAccess: KafkaAccess {
        KafkaAccess(produces: [processedTopic, invalidTopic], consumes: [events])
            .union(ErasureParticipant.kafkaAccess(topic: erasureTopic, groupID: erasureGroupID, tombstoneTopics: [processedTopic]))
    }
}
