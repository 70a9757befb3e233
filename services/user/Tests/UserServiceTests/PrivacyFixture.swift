import Foundation
import GameMetricsAudit
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@testable import UserService

/// A migrated throwaway database with tenants "tenant-a" and "tenant-b", and, for the Kafka
/// tests, a topic (and its dead-letter topic) and consumer group of the test's own on devkafka, the producer and the erasure
/// coordinator running, and the privacy routes on a platform router.
struct PrivacyFixture: Sendable {
    let databaseURL: String
    let client: PostgresClient
    let logger: Logger
    var scope: TenantScope { TenantScope(client: client, logger: logger) }
    var repository: PostgresErasureRepository { PostgresErasureRepository(scope: scope, auditKey: Self.auditKeys.current) }
    /// The audit chain key the module reads from `PlatformContract.auditLog`.
    static let auditKeys = try! AuditKeyring(environment: EnvironmentReader(PlatformContract.auditLog))
    var verifier: AuditVerifier { AuditVerifier(chain: .user, client: client, keys: Self.auditKeys, logger: logger) }
    var players: PostgresPlayerRepository { PostgresPlayerRepository(scope: scope) }

    static func run(_ body: @Sendable (PrivacyFixture) async throws -> Void) async throws {
        try await TestDatabase.withFresh { url in
            var logger = Logger(label: "privacy-tests")
            logger.logLevel = .warning
            try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: logger) { client in
                try await MigrationRunner(client: client, migrations: UserMigrations.all, logger: logger).migrate()
                for tenant in ["tenant-a", "tenant-b"] {
                    try await client.query("INSERT INTO tenants (id, name) VALUES (\(tenant), \(tenant))", logger: logger)
                }
                try await body(PrivacyFixture(databaseURL: url, client: client, logger: logger))
            }
        }
    }

    /// Creates a player profile directly.
    func createPlayer(_ playerID: String, tenant: String, email: String = "p@example.com") async throws {
        let created = try await players.create(
            NewPlayer(playerID: playerID, fields: PlayerFields(displayName: "Player", email: email)), tenant: tenant)
        #expect(created != nil)
    }

    struct Running {
        let module: PrivacyModule
        let topic: String
        let noticeTopic: String
        let producer: KafkaProducer
        let router: Router<AppRequestContext>
    }

    /// Runs the coordinator (own topic and group) and the producer for the duration of `body`.
    func withCoordinator(
        participants: [ErasureParticipantName] = [.user], _ body: @Sendable (Running) async throws -> Void
    ) async throws {
        let bootstrap = try Self.environment("GM_TEST_KAFKA_BOOTSTRAP")
        let suffix = UUID().uuidString.lowercased().prefix(12)
        let topic = "privacy.erasure.test-\(suffix)"
        try await Self.createTopic(topic, partitions: 3)
        try await Self.createTopic(topic + DeadLetterQueue.suffix, partitions: 3)
        let noticeTopic = "notifications.requested.test-\(suffix)"
        try await Self.createTopic(noticeTopic, partitions: 3)
        let environment = EnvironmentReader(
            [
                "GM_KAFKA_BOOTSTRAP": bootstrap
            ].merging(PlatformContract.auditLog) { $1 })
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(environment: environment, clientID: "privacy-tests"), logger: logger)
        let module = try buildPrivacy(
            postgres: client, producer: producer, environment: environment, logger: logger,
            participants: participants, topic: topic, groupID: "user-erasure-test-\(suffix)", noticeTopic: noticeTopic)
        Observability.bootstrap(service: "user", logLevel: .warning)
        let router = Router.platform(health: HealthController(checks: []))
        router.add(middleware: BearerAuthenticator(verifier: TestTokens()))
        module.addRoutes(to: router)
        let group = ServiceGroup(services: [producer] + module.services, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(Running(module: module, topic: topic, noticeTopic: noticeTopic, producer: producer, router: router))
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            Issue.record("\(name) is not set: run the tests through `make test`, which starts the servers")
            throw MissingServer(variable: name)
        }
        return value
    }

    struct MissingServer: Error {
        let variable: String
    }

    static func createTopic(_ name: String, partitions: Int) async throws {
        let base = URL(string: try environment("GM_TEST_DEVKAFKA_URL"))!
        try await DevKafkaControl(baseURL: base).createTopic(name, partitions: partitions)
    }

    /// Runs `sql` as the superuser of GM_TEST_PG_ADMIN_URL on this test's database.
    func asSuperuser(_ sql: String) async throws {
        var admin = URLComponents(string: try Self.environment("GM_TEST_PG_ADMIN_URL"))!
        admin.path = URLComponents(string: databaseURL)!.path
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: admin.url!), logger: logger) { client in
            try await client.withConnection { connection in
                for statement in sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
    }
}

/// Test bearer tokens: `tenant|subject|role,role`.
struct TestTokens: AccessTokenVerifier {
    static func token(tenant: String, subject: String = "tester", roles: [String]) -> String {
        "\(tenant)|\(subject)|\(roles.joined(separator: ","))"
    }

    struct Invalid: Error {}

    func verify(_ token: String) async throws -> AccessTokenClaims {
        let parts = token.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw Invalid() }
        return AccessTokenClaims(
            issuer: "test", subject: parts[1], audience: ["gamemetrics"], expiresAt: Date().addingTimeInterval(300),
            issuedAt: Date(), tenantID: parts[0], roles: parts[2].split(separator: ",").map(String.init), scope: "")
    }
}

extension TestClientProtocol {
    /// A JSON request with a test token; the status and decoded JSON body.
    @discardableResult
    func privacyCall(
        _ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let data = Data(buffer: response.body)
            let json = data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            return (response.status, json)
        }
    }
}
