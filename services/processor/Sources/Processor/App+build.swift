import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsRedis
import GameMetricsService
import Hummingbird
import Kafka
import Logging

/// Consumes `player.events.raw`, stores raw events in PostgreSQL and aggregates them into
/// per-minute, hourly and daily time series; publishes player states and live deltas; erases
/// players on request.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .processor, environment: environment)
    let settings = try ProcessorSettings(environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    let postgres = try clients.require(.postgres)
    // Redis only carries the live deltas (best effort): its outage must not take the
    // processor out of service.
    let redis = try clients.require(.redis(gatesReadiness: false))
    let producer = try clients.require(.kafkaProducer(for: settings.kafkaAccess))
    let subjects = try ErasedSubjects(environment: environment)
    let schema = SchemaPreparation(
        migrations: MigrationRunner(client: postgres, migrations: ProcessorMigrations.all, logger: logger, table: ProcessorMigrations.table),
        partitions: DailyPartitions(client: postgres, daysAhead: settings.partitionDaysAhead, logger: logger),
        eventIDs: EventIDWindow(client: postgres, window: settings.dedupeWindow, logger: logger))

    var events = try KafkaConsumerConfiguration(
        environment: environment, groupID: settings.events.group, topics: [settings.events.topic], clientID: "processor")
    events.maxBatchSize = settings.batchSize
    let eventConsumer = try KafkaConsumer(configuration: events, logger: logger)
    let lag = ConsumerLag(consumer: eventConsumer)
    let storeHealth = StoreHealth(unreadyAfter: settings.unreadyAfterFailures)
    let pipeline = EventPipeline(
        consumer: eventConsumer,
        store: PostgresEventStore(client: postgres, lanes: settings.storeLanes, subjects: subjects, statementTimeout: settings.storeTimeout, logger: logger),
        storeHealth: storeHealth, schema: schema, producer: producer,
        live: LivePublisher(redis: redis, channelPrefix: settings.liveChannelPrefix, logger: logger), lag: lag,
        settings: settings, logger: logger)

    let erasure = try ProcessorErasure.participant(
        environment: environment, producer: producer, postgres: postgres, subjects: subjects, schema: schema, settings: settings, logger: logger)

    // A consumer whose batches stop getting committed is not ready.
    let checks = clients.checks + [storeHealth.readinessCheck, pipeline.loop.progress.readinessCheck, erasure.progress.readinessCheck]
    let lagController = LagController(lag: lag, groupID: settings.groupID)
    // Lag names the group's partitions and offsets: for operators, on the internal port.
    // In dependency order: the clients start first, the consumers last.
    return ServiceApplication.build(
        configuration, checks: checks, services: clients.services + [schema, lag, pipeline, erasure], logger: logger,
        operatorRoutes: { router in lagController.addRoutes(to: router) })
}
