import Foundation
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPeers
import GameMetricsPostgres
import GameMetricsRedis
import GameMetricsService
import GameMetricsTesting
import Logging
import Testing

@Suite("A service gets exactly the clients it requires, with their readiness checks")
struct PlatformClientsTests {
    let logger = Logger(label: "platform-clients-test")

    func environment(_ extra: [String: String] = [:]) throws -> EnvironmentReader {
        EnvironmentReader(
            [
                "GM_PG_URL": try TestServers.value("GM_TEST_PG_URL"),
                "GM_KAFKA_BOOTSTRAP": try TestServers.kafkaBootstrap.joined(separator: ","),
                "GM_DEVKAFKA_URL": try TestServers.devKafkaURL.absoluteString,
                // Nothing listens here: best-effort Redis must not make the service unready.
                "GM_REDIS_URL": "redis://127.0.0.1:1",
            ].merging(extra) { $1 })
    }

    @Test("the checks are those of the required clients, in order, and all pass against the real servers")
    func checksOfRequiredClients() async throws {
        var clients = PlatformClients(environment: try environment(), clientID: "platform-clients-test", logger: logger)
        let postgres = try clients.require(.postgres)
        try clients.require(.redis(gatesReadiness: false))
        let producer = try clients.require(.kafkaProducer)
        let http = try clients.require(.http)
        try clients.require(.peer("devkafka", variable: "GM_DEVKAFKA_URL", http: http))

        #expect(clients.checks.map(\.name) == ["postgres", "kafka", "devkafka"])
        // PostgreSQL's pool, Redis's pool and the producer run as services; HTTP needs none.
        #expect(clients.services.count == 3)
        let checks = clients.checks
        try await withRunningServices(clients.services, logger: logger) {
            // Readiness is polled: a probe may time out once on a machine busy with other suites.
            for check in checks { try await Self.eventually(check) }
            _ = try await postgres.query("SELECT 1")
            try await producer.checkConnection()
        }
    }

    static func eventually(_ check: ReadinessCheck, within limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await check.probe()
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    @Test("Redis that gates readiness has a check, and it fails while Redis does not answer")
    func gatingRedis() async throws {
        var clients = PlatformClients(environment: try environment(), clientID: "platform-clients-test", logger: logger)
        try clients.require(.redis)
        #expect(clients.checks.map(\.name) == ["redis"])
        let checks = clients.checks
        try await withRunningServices(clients.services, logger: logger) {
            await #expect(throws: (any Error).self) { try await checks[0].probe() }
        }
    }

    @Test("a missing variable of a required client is refused naming the variable")
    func missingVariable() throws {
        var clients = PlatformClients(environment: EnvironmentReader([:]), clientID: "platform-clients-test", logger: logger)
        #expect(throws: ConfigurationError.self) { try clients.require(.redis) }
        #expect(throws: ConfigurationError.self) { try clients.require(.kafkaProducer) }
        #expect(throws: ConfigurationError.self) { try clients.require(.postgres) }
        #expect(clients.checks.isEmpty && clients.services.isEmpty)
    }
}
