import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

@testable import Ingestion

/// The ingestion router with in-memory collaborators: a credential directory holding two
/// tenants' write keys, a token verifier that knows a few fixed tokens, and a publisher that
/// records instead of writing to Kafka.
struct IngestionRouterFixture {
    /// The MAC the fixture's settings verify with (the platform contract's test secret).
    static let writeKeyMAC = try! WriteKeyMAC(current: Array(PlatformContract.writeKeyMACSecret.utf8))
    static let keyA = writeKeyMAC.issue()
    static let keyB = writeKeyMAC.issue()
    static let operatorToken = "token-operator-tenant-a"
    static let viewerToken = "token-viewer-tenant-a"

    let directory: InMemoryCredentialDirectory
    let publisher: InMemoryEventPublisher
    let settings: IngestionSettings

    init(limitA: Int = 10_000, environment: [String: String] = [:]) throws {
        directory = InMemoryCredentialDirectory(
            writeKeys: [
                Self.keyA: TenantCredential(tenantID: "tenant-a", requestsPerSecondLimit: limitA),
                Self.keyB: TenantCredential(tenantID: "tenant-b", requestsPerSecondLimit: 10_000),
            ],
            limits: ["tenant-a": limitA, "tenant-b": 10_000])
        publisher = InMemoryEventPublisher()
        settings = try IngestionSettings(environment: PlatformContract.unreachableDependencies.merging(environment))
    }

    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        Observability.bootstrap(service: "ingestion-tests", logLevel: .warning)
        let router = Router.platform(health: HealthController(checks: []))
        let events = EventController(
            settings: settings, writeKeyMAC: ReloadingSecret(name: "write-key-mac", fixed: Self.writeKeyMAC), directory: directory, tokenVerifier: FixedTokens(), ledger: nil, publisher: publisher,
            logger: Logger(label: "ingestion-tests"))
        buildRouter(router, events: events)
        try await Application(router: router).test(.router, body)
    }

    /// Tokens the fixture accepts; anything else fails as a bad signature would.
    struct FixedTokens: AccessTokenVerifier {
        func verify(_ token: String) async throws -> AccessTokenClaims {
            let roles: [String]
            switch token {
            case IngestionRouterFixture.operatorToken: roles = ["operator"]
            case IngestionRouterFixture.viewerToken: roles = ["viewer"]
            default: throw JWTError.badSignature
            }
            return AccessTokenClaims(
                issuer: "test", subject: "client", audience: ["gamemetrics"], expiresAt: Date().addingTimeInterval(300),
                issuedAt: Date(), tenantID: "tenant-a", roles: roles, scope: "")
        }
    }
}

/// Events for tests: valid unless changed.
enum TestEvents {
    static func json(
        id: UUID = UUID(), player: String = "player-1", type: String = "bet_placed",
        occurredAt: Date = Date(), extra: String = #","game_id":"slots-1","amount":{"minor":250,"currency":"EUR"}"#
    ) -> String {
        #"{"event_id":"\#(id.uuidString.lowercased())","player_id":"\#(player)","type":"\#(type)","occurred_at":"\#(RFC3339.format(occurredAt))"\#(extra)}"#
    }

    static func batch(_ events: [String]) -> String {
        #"{"events":[\#(events.joined(separator: ","))]}"#
    }
}

extension TestClientProtocol {
    /// POSTs `body` to /v1/events with the write key (or other headers) and returns status, headers and JSON.
    func postEvents(
        _ body: some Collection<UInt8>, key: String? = IngestionRouterFixture.keyA,
        headers extra: HTTPFields = [:], contentType: String? = "application/json"
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any]) {
        var headers = extra
        if let key { headers[IngestionAuthenticator.apiKeyHeader] = key }
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: "/v1/events", method: .post, headers: headers, body: ByteBuffer(bytes: Array(body))) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (response.status, response.headers, json)
        }
    }

    func postEvents(
        _ body: String, key: String? = IngestionRouterFixture.keyA, headers: HTTPFields = [:],
        contentType: String? = "application/json"
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any]) {
        try await postEvents(Array(body.utf8), key: key, headers: headers, contentType: contentType)
    }
}

extension Dictionary where Key == String, Value == Any {
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
}
