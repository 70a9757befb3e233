import GameMetricsErasure
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import Kafka
import Logging
import PostgresNIO

/// The processor's part in GDPR erasure: the shared `ErasureParticipant` as `processor` (group
/// `GM_PROCESSOR_ERASURE_GROUP`, default `processor-erasure`), recording the erased subject (it stores events), deleting the player's
/// rows (``PlayerDataEraser``) and tombstoning the player's key on the processed topic.
enum ProcessorErasure {
    static func participant(
        environment: EnvironmentReader, producer: KafkaProducer, postgres: PostgresClient, subjects: ErasedSubjects,
        schema: SchemaPreparation, settings: ProcessorSettings, logger: Logger
    ) throws -> ErasureParticipant {
        try ErasureParticipant(
            name: .processor, environment: environment, producer: producer, postgres: postgres, subjects: subjects,
            tombstoneTopics: [settings.processedTopic], topic: settings.erasureTopic, groupID: settings.erasureGroupID, retryDelay: settings.retryDelay,
            stallAfter: settings.consumerStallAfter, prepare: { try await schema.prepare() }, logger: logger
        ) { request, connection in
            try await PlayerDataEraser.erase(request, on: connection, logger: logger)
        }
    }
}
