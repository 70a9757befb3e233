import Foundation
import GameMetricsAudit
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

@testable import UserService

/// `POST /v1/audit/records`: other services' records in the one audit chain, only through a
/// client with role `audit-writer`, never a person's token.
@Suite("audit records from other services: only audit-writer clients append, the chain still verifies")
struct AuditRecordTests {
    static let record = #"""
        {"tenant_id":"tenant-a","actor":"operator:pa-1","action":"analytics.cross_tenant_query","subject":"query:retention",
         "payload":{"query":"retention","days":30,"filters":{"country":"DE"}}}
        """#

    @Test("an audit-writer client appends a record as sent, with recorded_by its client id, and the chain verifies")
    func writerAppends() async throws {
        try await UserServiceFixture.run { fixture, client in
            let writer = try await Self.createWriter(fixture, client)
            let token = try await client.accessToken(writer)
            let (status, body) = try await client.call(.post, "/v1/audit/records", token: token, json: Self.record)
            #expect(status == .created, "\(body)")
            let seq = try #require(body["seq"] as? Int)
            let hash = try #require(body["hash"] as? String)
            #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))
            #expect(RFC3339Millis.date(try #require(body["at"] as? String)) != nil)
            // A tenant that does not exist (any more) is recorded too: the trail outlives tenants.
            let gone = try await client.call(
                .post, "/v1/audit/records", token: token,
                json: #"{"tenant_id":"deleted-brand","actor":"operator:pa-1","action":"analytics.export","subject":"query:x","payload":null}"#)
            #expect(gone.status == .created, "\(gone.body)")

            let entries = try await Self.entries(fixture)
            try #require(entries.count == 2)
            let first = entries[0]
            #expect(first.seq == Int64(seq))
            #expect(first.hash == hash)
            #expect(first.tenantID == "tenant-a")
            #expect(first.actor == "operator:pa-1")
            #expect(first.action == "analytics.cross_tenant_query")
            #expect(first.subject == "query:retention")
            #expect(
                first.payload
                    == .object([
                        "query": .string("retention"), "days": .number("30"), "filters": .object(["country": .string("DE")]),
                        "recorded_by": .string(writer.clientID),
                    ]))
            #expect(entries[1].tenantID == "deleted-brand")
            #expect(entries[1].payload == .object(["recorded_by": .string(writer.clientID)]))
            let verified = try await Self.verify(fixture)
            #expect(verified == .intact(rows: 2, lastSeq: entries[1].seq, lastHash: entries[1].hash))
        }
    }

    @Test("operator, admin and platform-admin tokens get 403, no token 401, and nothing is appended")
    func othersAreRefused() async throws {
        try await UserServiceFixture.run { fixture, client in
            let operatorToken = try await client.accessToken(fixture.tenantA, scope: "operator")
            let adminToken = try await client.accessToken(fixture.tenantA, scope: "admin")
            let platformToken = try await client.accessToken(fixture.platform)
            for token in [operatorToken, adminToken, platformToken] {
                let (status, body) = try await client.call(.post, "/v1/audit/records", token: token, json: Self.record)
                #expect(status == .forbidden, "\(body)")
            }
            #expect(try await client.call(.post, "/v1/audit/records", token: nil, json: Self.record).status == .unauthorized)
            #expect(try await Self.entries(fixture).isEmpty)
        }
    }

    @Test("each malformed body answers 400 naming the field and reason, and appends nothing")
    func malformedBodiesAreRefused() async throws {
        try await UserServiceFixture.run { fixture, client in
            let token = try await client.accessToken(try await Self.createWriter(fixture, client))
            let base = #""tenant_id":"tenant-a","actor":"operator:pa-1","action":"analytics.query","subject":"query:1""#
            let oversized = String(repeating: "x", count: AuditRecord.maximumPayloadBytes)
            let cases: [(json: String, field: String, reason: String)] = [
                (#"{"tenant_id":"tenant-a","actor":"a","action":"analytics.query"}"#, "subject", "required"),
                (#"{\#(base.replacingOccurrences(of: "analytics.query", with: "Analytics.Query"))}"#, "action", "invalid_format"),
                (#"{\#(base.replacingOccurrences(of: "operator:pa-1", with: #"operator\u0007pa"#))}"#, "actor", "invalid_character"),
                (#"{\#(base.replacingOccurrences(of: "query:1", with: #"query\u202E1"#))}"#, "subject", "invalid_character"),
                (#"{\#(base.replacingOccurrences(of: "tenant-a", with: "Tenant_A"))}"#, "tenant_id", "invalid_format"),
                (#"{\#(base.replacingOccurrences(of: "tenant-a", with: #"tenant-a\n"#))}"#, "tenant_id", "invalid_format"),
                (#"{\#(base.replacingOccurrences(of: "operator:pa-1", with: ""))}"#, "actor", "invalid_length"),
                (#"{\#(base),"at":"2026-01-01T00:00:00Z"}"#, "at", "unknown_field"),
                (#"{\#(base),"payload":{"recorded_by":"someone-else"}}"#, "payload.recorded_by", "reserved"),
                (#"{\#(base),"payload":{"blob":"\#(oversized)"}}"#, "payload", "too_large"),
                (#"{\#(base),"payload":{"n":1e400}}"#, "payload.n", "invalid_number"),
                (#"{\#(base),"payload":[1]}"#, "payload", "invalid_type"),
                (#"{\#(base.replacingOccurrences(of: #""query:1""#, with: "7"))}"#, "subject", "invalid_type"),
            ]
            for (json, field, reason) in cases {
                let (status, body) = try await client.call(.post, "/v1/audit/records", token: token, json: json)
                #expect(status == .badRequest, "\(json.prefix(120)) answered \(status)")
                #expect(ServiceClientScopeTests.reasons(body)[field] == reason, "\(json.prefix(120)): \(body)")
            }
            for json in ["[]", "not json", #"{"tenant_id":"tenant-a""#] {
                let (status, body) = try await client.call(.post, "/v1/audit/records", token: token, json: json)
                #expect(status == .badRequest && (body["error"] as? [String: Any])?["code"] as? String == "bad_request", "\(json): \(body)")
            }
            #expect(try await Self.entries(fixture).isEmpty)
        }
    }

    @Test("a body that is not JSON by its content type answers 415, one over 16 KiB 413, and nothing is appended")
    func contentTypeAndSize() async throws {
        try await UserServiceFixture.run { fixture, client in
            let token = try await client.accessToken(try await Self.createWriter(fixture, client))
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"] {
                try await client.execute(
                    uri: "/v1/audit/records", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: contentType], body: ByteBuffer(string: Self.record)
                ) { #expect($0.status == .unsupportedMediaType, "\(contentType)") }
            }
            let padding = String(repeating: " ", count: AuditRecord.maximumBodyBytes)
            let (status, _) = try await client.call(.post, "/v1/audit/records", token: token, json: Self.record + padding)
            #expect(status == .contentTooLarge)
            // The same record within the limit is appended: whitespace alone made the difference.
            #expect(try await client.call(.post, "/v1/audit/records", token: token, json: Self.record + "  ").status == .created)
            #expect(try await Self.entries(fixture).count == 1)
        }
    }

    @Test("platform admins give audit-writer without holding it; tenant admins cannot, and people cannot hold it")
    func whoGivesTheRole() async throws {
        try await UserServiceFixture.run { fixture, client in
            _ = try await Self.createWriter(fixture, client)
            let admin = try await client.accessToken(fixture.tenantA)
            let (status, body) = try await client.call(.post, "/v1/clients", token: admin, json: #"{"name":"forger","roles":["audit-writer"]}"#)
            #expect(status == .forbidden)
            #expect(ServiceClientScopeTests.reasons(body)["roles"] == "exceeds_caller")
            let platform = try await client.accessToken(fixture.platform)
            let person = try await client.call(
                .post, "/v1/operators", token: platform,
                json: #"{"email":"auditor@platform.test","password":"long enough password","roles":["audit-writer"]}"#)
            #expect(person.status == .badRequest)
            #expect(ServiceClientScopeTests.reasons(person.body)["roles"] == "unknown_role")
        }
    }

    @Test("audit-writer is held only by itself: it implies no other role and platform-admin does not imply it")
    func roleOrder() {
        let writer = Identity(tenantID: "platform", subject: "c", roles: [.auditWriter])
        #expect(writer.has(.auditWriter))
        #expect(Identity.Role.allCases.filter { writer.has($0) } == [.auditWriter])
        let platformAdmin = Identity(tenantID: "platform", subject: "p", roles: [.platformAdmin])
        #expect(!platformAdmin.has(.auditWriter))
        #expect(!Identity.operatorRoles.contains(.auditWriter))
    }

    @Test("the parser keeps the record as sent and adds recorded_by only to the stored payload")
    func parserKeepsTheRecord() throws {
        let record = try AuditRecord.parse(Array(Self.record.utf8))
        #expect(record.tenantID == "tenant-a")
        #expect(record.payload["recorded_by"] == nil)
        #expect(record.storedPayload(recordedBy: "gmc_x") == .object(record.payload.merging(["recorded_by": .string("gmc_x")]) { $1 }))
        // Lengths count code points, as the document's maxLength does: 200 emoji pass, 201 do not.
        #expect(AuditRecord.textProblem(String(repeating: "🎲", count: 200)) == nil)
        #expect(AuditRecord.textProblem(String(repeating: "🎲", count: 201)) == "invalid_length")
        #expect(AuditRecord.isAction("a") && AuditRecord.isAction("a" + String(repeating: "b", count: 63)))
        #expect(!AuditRecord.isAction("a" + String(repeating: "b", count: 64)) && !AuditRecord.isAction("1a") && !AuditRecord.isAction(""))
        #expect(AuditRecord.isTenantID("ab") && !AuditRecord.isTenantID("a") && !AuditRecord.isTenantID("-ab"))
        #expect(!AuditRecord.isTenantID(String(repeating: "a", count: 64)))
        #expect(throws: APIError.self) { try AuditRecord.parse(Array(#"{"tenant_id":"tenant-a\u0000"}"#.utf8)) }
    }

    // MARK: - Helpers

    /// A client with only `audit-writer`, created by the platform admin through the API.
    static func createWriter(_ fixture: UserServiceFixture, _ client: any TestClientProtocol) async throws -> UserServiceFixture.Credentials {
        let platform = try await client.accessToken(fixture.platform)
        let (status, body) = try await client.call(
            .post, "/v1/clients", token: platform, json: #"{"name":"analytics-api service","roles":["audit-writer"]}"#)
        try #require(status == .created, "\(body)")
        let created = try #require(body["client"] as? [String: Any])
        #expect(created["roles"] as? [String] == ["audit-writer"])
        return .init(clientID: try #require(created["client_id"] as? String), secret: try #require(body["client_secret"] as? String))
    }

    /// Every row of the chain, read as the service's role.
    static func entries(_ fixture: UserServiceFixture) async throws -> [AuditEntry] {
        try await withClient(fixture) { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
                return try await AuditLog.entries(
                    connection.query("SELECT \(unescaped: AuditLog.selectColumns) FROM audit_log ORDER BY seq", logger: logger))
            }
        }
    }

    static func verify(_ fixture: UserServiceFixture) async throws -> AuditVerifier.Result {
        try await withClient(fixture) { client, logger in
            try await AuditVerifier(chain: .user, client: client, keys: PrivacyFixture.auditKeys, logger: logger).verify()
        }
    }

    private static func withClient<T: Sendable>(
        _ fixture: UserServiceFixture, _ work: @Sendable (PostgresClient, Logger) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "audit-record-tests")
        let configuration = try PostgresClient.Configuration(url: URL(string: fixture.databaseURL)!)
        return try await PostgresClient.withShortLivedClient(configuration, logger: logger) { try await work($0, logger) }
    }
}
