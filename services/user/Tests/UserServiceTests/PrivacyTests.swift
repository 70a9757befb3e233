import Foundation
import GameMetricsAudit
import GameMetricsKit
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Kafka
import PostgresNIO
import Testing

@testable import UserService

@Suite("privacy: audit log hash chain, erasure bookkeeping, erasure over Kafka, export")
struct PrivacyTests {
    static let operatorA = TestTokens.token(tenant: "tenant-a", subject: "op-a", roles: ["operator"])
    static let operatorB = TestTokens.token(tenant: "tenant-b", subject: "op-b", roles: ["operator"])
    static let viewerA = TestTokens.token(tenant: "tenant-a", subject: "viewer-a", roles: ["viewer"])
    static let adminA = TestTokens.token(tenant: "tenant-a", subject: "op-a", roles: ["admin"])

    // MARK: audit log

    @Test("appended rows chain, verify, and a changed row is named by the verifier and the command")
    func auditChainDetectsTampering() async throws {
        try await PrivacyFixture.run { fixture in
            for (index, tenant) in ["tenant-a", "tenant-b", "tenant-a", "tenant-b"].enumerated() {
                try await fixture.scope.run(tenant: tenant) { connection in
                    try await AuditLog.append(
                        to: .user, on: connection, tenant: tenant, actor: "tester", action: "test.event", subject: "player:p\(index)",
                        payload: .object(["n": .number(String(index)), "z": .string("ü"), "a": .bool(true)]),
                        key: PrivacyFixture.auditKeys.current, logger: fixture.logger)
                }
            }
            let verifier = fixture.verifier
            guard case .intact(let rows, _, _) = try await verifier.verify() else {
                Issue.record("an untouched chain did not verify")
                return
            }
            #expect(rows == 4)
            let audit = try await AuditAnchorTests.AuditSetup.make(key: PlatformContract.auditLog["GM_AUDIT_HMAC_KEY"]!)
            let environment = EnvironmentReader(["GM_PG_URL": fixture.databaseURL].merging(try audit.environment) { $1 })
            // Without an anchor the command cannot rule out truncation.
            #expect(await AuditVerifyCommand.run(environment: environment) == 1)
            #expect(try await audit.anchorNow(client: fixture.client, logger: fixture.logger) == .anchored(seq: try await seqs(fixture).last ?? 0))
            #expect(await AuditVerifyCommand.run(environment: environment) == 0)

            // The service role cannot change or remove rows.
            await #expect(throws: (any Error).self) {
                try await fixture.scope.run(tenant: "tenant-a") { connection in
                    try await connection.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", logger: fixture.logger)
                }
            }
            await #expect(throws: (any Error).self) {
                try await fixture.scope.run(tenant: "tenant-a") { connection in
                    try await connection.query("DELETE FROM audit_log WHERE seq = 1", logger: fixture.logger)
                }
            }
            #expect(try await verifier.verify() == .intact(rows: 4, lastSeq: try await seqs(fixture).last ?? 0, lastHash: try await lastHash(fixture)))

            // A superuser bypassing the trigger changes row 2's payload: seq 2 is named.
            let second = try await seqs(fixture)[1]
            try await fixture.asSuperuser(
                """
                SET session_replication_role = replica;
                UPDATE audit_log SET payload = '{"n": 99}'::jsonb WHERE seq = \(second)
                """)
            #expect(
                try await verifier.verify()
                    == .broken(
                        seq: second, reason: "hash does not match the row's content under the chain key (the row was changed)"))
            #expect(await AuditVerifyCommand.run(environment: environment) == 1)
        }
    }

    @Test("deleting a row in the middle of the chain is detected at the row after it")
    func auditChainDetectsDeletion() async throws {
        try await PrivacyFixture.run { fixture in
            for index in 0..<3 {
                try await fixture.scope.run(tenant: "tenant-a") { connection in
                    try await AuditLog.append(
                        to: .user, on: connection, tenant: "tenant-a", actor: "tester", action: "test.event", subject: "player:p",
                        payload: .object(["n": .number(String(index))]), key: PrivacyFixture.auditKeys.current, logger: fixture.logger)
                }
            }
            let all = try await seqs(fixture)
            try await fixture.asSuperuser("ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE seq = \(all[1])")
            let result = try await fixture.verifier.verify()
            guard case .broken(let seq, _) = result else {
                Issue.record("a deletion was not detected: \(result)")
                return
            }
            #expect(seq == all[2])
        }
    }

    @Test("concurrent appends from two tenants keep one unbroken chain")
    func concurrentAppendsKeepOneChain() async throws {
        try await PrivacyFixture.run { fixture in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    let tenant = index.isMultiple(of: 2) ? "tenant-a" : "tenant-b"
                    group.addTask { () async throws -> Void in
                        _ = try await fixture.scope.run(tenant: tenant) { connection in
                            try await AuditLog.append(
                                to: .user, on: connection, tenant: tenant, actor: "tester", action: "test.concurrent",
                                subject: "player:p\(index)", payload: .object([:]), key: PrivacyFixture.auditKeys.current,
                                logger: fixture.logger)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let result = try await fixture.verifier.verify()
            guard case .intact(let rows, _, _) = result else {
                Issue.record("concurrent appends broke the chain: \(result)")
                return
            }
            #expect(rows == 24)
        }
    }

    // MARK: erasure bookkeeping

    @Test("a request completes only when every participant confirmed; failures and redeliveries are handled")
    func confirmationsDriveTheStatus() async throws {
        try await PrivacyFixture.run { fixture in
            let repository = fixture.repository
            let request = ErasureRequest(
                requestID: UUID(), tenantID: "tenant-a", playerID: "p-1", requestedBy: "op-a",
                requestedAt: Date(), participants: ["user", "processor"])
            try await repository.create(request)
            func report(_ service: String, _ status: ErasureCompleted.Outcome, reason: String? = nil) -> ErasureCompleted {
                ErasureCompleted(
                    requestID: request.requestID, tenantID: "tenant-a", playerID: "p-1", service: service,
                    status: status, completedAt: Date(), deleted: ["rows": 2], reason: reason)
            }

            #expect(try await repository.record(report("user", .completed)) == .recorded(.pending))
            #expect(try await repository.record(report("user", .completed)) == .duplicate)
            #expect(try await repository.record(report("processor", .failed, reason: "disk")) == .recorded(.failed))
            var status = try #require(try await repository.status(request.requestID, tenant: "tenant-a"))
            #expect(status.status == .failed)
            #expect(status.failure == "processor: disk")
            #expect(try await repository.record(report("processor", .completed)) == .recorded(.completed))
            #expect(try await repository.record(report("processor", .failed)) == .duplicate)
            // A service that is not a participant is shown but does not gate completion.
            #expect(try await repository.record(report("notification", .completed)) == .recorded(.completed))

            status = try #require(try await repository.status(request.requestID, tenant: "tenant-a"))
            #expect(status.status == .completed)
            #expect(status.failure == nil)
            #expect(status.totalMS != nil)
            #expect(status.services.map(\.service) == ["user", "processor", "notification"])
            #expect(status.services.map(\.status) == ["completed", "completed", "completed"])
            #expect(status.services.map(\.required) == [true, true, false])

            // Another tenant neither sees the request nor can confirm it.
            #expect(try await repository.status(request.requestID, tenant: "tenant-b") == nil)
            var foreign = report("user", .completed)
            foreign.tenantID = "tenant-b"
            #expect(try await repository.record(foreign) == .unknownRequest)

            let actions = try await repository.auditEntries(forPlayer: "p-1", tenant: "tenant-a").map(\.action)
            #expect(
                actions == [
                    "erasure.requested", "erasure.store_completed", "erasure.store_failed", "erasure.failed",
                    "erasure.store_completed", "erasure.completed", "erasure.store_completed",
                ])
            #expect(
                try await fixture.verifier.verify()
                    == .intact(rows: 7, lastSeq: try await seqs(fixture).last ?? 0, lastHash: try await lastHash(fixture)))
        }
    }

    @Test("by default the coordinator waits for every participant of the platform, the processor, analytics-api, notification, retention and recommendation included")
    func coordinatorWaitsForEveryParticipant() async throws {
        try await PrivacyFixture.run { fixture in
            let environment = EnvironmentReader(["GM_KAFKA_BOOTSTRAP": "127.0.0.1:9"].merging(PlatformContract.auditLog) { $1 })
            let producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(environment: environment, clientID: "privacy-tests"), logger: fixture.logger)
            let module = try buildPrivacy(postgres: fixture.client, producer: producer, environment: environment, logger: fixture.logger)
            #expect(module.participants == ["user", "processor", "analytics-api", "notification", "retention", "recommendation"])
        }
    }

    // MARK: end to end over Kafka

    @Test("erasing a player with a profile completes through Kafka and shows in status, audit log and export")
    func erasureCompletesEndToEnd() async throws {
        try await PrivacyFixture.run { fixture in
            try await fixture.createPlayer("gdpr-1", tenant: "tenant-a")
            try await fixture.createPlayer("gdpr-1", tenant: "tenant-b")
            try await fixture.withCoordinator { running in
                let noticeTopic = running.noticeTopic
                try await Application(router: running.router).test(.router) { client in
                    let (status, body) = try await client.privacyCall(
                        .post, "/v1/privacy/erasure", token: Self.adminA, body: #"{"player_id":"gdpr-1"}"#)
                    #expect(status == .accepted)
                    let requestID = try #require(body["request_id"] as? String)
                    #expect(UUID(uuidString: requestID) != nil)
                    #expect(requestID == requestID.lowercased())

                    try await eventually {
                        let (_, document) = try await client.privacyCall(.get, "/v1/privacy/erasure/\(requestID)", token: Self.operatorA)
                        return document["status"] as? String == "completed"
                    }
                    let (_, document) = try await client.privacyCall(.get, "/v1/privacy/erasure/\(requestID)", token: Self.operatorA)
                    #expect(document["player_id"] as? String == "gdpr-1")
                    #expect(document["requested_by"] as? String == "op-a")
                    #expect(document["completed_at"] is String)
                    #expect(document["total_ms"] is Int)
                    let services = try #require(document["services"] as? [[String: Any]])
                    #expect(services.count == 1)
                    #expect(services.first?["service"] as? String == "user")
                    #expect(services.first?["status"] as? String == "completed")
                    #expect(services.first?["completed_at"] is String)

                    // The profile is gone in tenant A only.
                    #expect(try await fixture.players.get("gdpr-1", tenant: "tenant-a") == nil)
                    #expect(try await fixture.players.get("gdpr-1", tenant: "tenant-b") != nil)

                    // Tenant B cannot see the request.
                    let (foreign, _) = try await client.privacyCall(.get, "/v1/privacy/erasure/\(requestID)", token: Self.operatorB)
                    #expect(foreign == .notFound)

                    // The audit log: who asked, when each store finished, when it completed.
                    let entries = try await fixture.repository.auditEntries(forPlayer: "gdpr-1", tenant: "tenant-a")
                    #expect(entries.map(\.action) == ["erasure.requested", "erasure.store_completed", "erasure.completed"])
                    #expect(entries.map(\.actor) == ["op-a", "service:user", "service:user"])

                    // The export still holds the erasure records (no profile any more).
                    let (exportStatus, export) = try await client.privacyCall(.get, "/v1/players/gdpr-1/export", token: Self.operatorA)
                    #expect(exportStatus == .ok)
                    let user = try #require((export["services"] as? [String: Any])?["user"] as? [String: Any])
                    #expect(user["profile"] == nil || user["profile"] is NSNull)
                    #expect((user["erasure_requests"] as? [Any])?.count == 1)
                    #expect((user["audit_log"] as? [Any])?.count == 3)
                    #expect((export["coverage"] as? String)?.contains("user service") == true)

                    // The tenant's operators are told, by request id, never by player.
                    let notices = try await KafkaTopicReader.read(noticeTopic, count: 2, idle: .seconds(3))
                    #expect(notices.count == 1)
                    let notice = try #require(notices.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any] })
                    #expect(notice["tenant_id"] as? String == "tenant-a")
                    #expect(notice["template"] as? String == "erasure_finished")
                    #expect((notice["to"] as? [String: Bool]) == ["operators": true])
                    #expect((notice["data"] as? [String: String])?["request_id"] == requestID)
                    #expect((notice["data"] as? [String: String])?["status"] == "completed")
                    #expect(!String(decoding: notices[0].value, as: UTF8.self).contains("gdpr-1"))
                }
            }
            let audit = try await AuditAnchorTests.AuditSetup.make(key: PlatformContract.auditLog["GM_AUDIT_HMAC_KEY"]!)
            let environment = EnvironmentReader(["GM_PG_URL": fixture.databaseURL].merging(try audit.environment) { $1 })
            _ = try await audit.anchorNow(client: fixture.client, logger: fixture.logger)
            #expect(await AuditVerifyCommand.run(environment: environment) == 0)
            let first = try await seqs(fixture)[0]
            try await fixture.asSuperuser(
                """
                SET session_replication_role = replica;
                UPDATE audit_log SET actor = 'someone-else' WHERE seq = \(first)
                """)
            #expect(await AuditVerifyCommand.run(environment: environment) == 1)
        }
    }

    @Test("a player without a profile still gets a request, which waits for every participant")
    func unknownPlayerWaitsForOtherParticipants() async throws {
        try await PrivacyFixture.run { fixture in
            try await fixture.withCoordinator(participants: [.user, .processor]) { running in
                let (producer, topic) = (running.producer, running.topic)
                try await Application(router: running.router).test(.router) { client in
                    let (status, body) = try await client.privacyCall(
                        .post, "/v1/privacy/erasure", token: Self.adminA, body: #"{"player_id":"nobody-here"}"#)
                    #expect(status == .accepted)
                    let requestID = try #require(body["request_id"] as? String)
                    let uri = "/v1/privacy/erasure/\(requestID)"

                    try await eventually {
                        let (_, document) = try await client.privacyCall(.get, uri, token: Self.operatorA)
                        let services = document["services"] as? [[String: Any]] ?? []
                        return services.first { $0["service"] as? String == "user" }?["status"] as? String == "completed"
                    }
                    var (_, document) = try await client.privacyCall(.get, uri, token: Self.operatorA)
                    #expect(document["status"] as? String == "pending")

                    // The processor reports on the topic, as any participant would.
                    let completion = ErasureMessage.completed(
                        ErasureCompleted(
                            requestID: UUID(uuidString: requestID)!, tenantID: "tenant-a", playerID: "nobody-here",
                            service: "processor", status: .completed, completedAt: Date(), deleted: ["events_raw": 0]))
                    _ = try await producer.send(
                        KafkaProducerMessage(
                            topic: topic, key: completion.key, value: try completion.encoded()))
                    // A redelivered duplicate changes nothing.
                    _ = try await producer.send(
                        KafkaProducerMessage(
                            topic: topic, key: completion.key, value: try completion.encoded()))
                    // Garbage on the topic is dead-lettered, not fatal.
                    _ = try await producer.send(
                        KafkaProducerMessage(
                            topic: topic, key: completion.key, value: Array("not json".utf8)))

                    try await eventually {
                        let (_, document) = try await client.privacyCall(.get, uri, token: Self.operatorA)
                        return document["status"] as? String == "completed"
                    }
                    (_, document) = try await client.privacyCall(.get, uri, token: Self.operatorA)
                    let services = try #require(document["services"] as? [[String: Any]])
                    #expect(services.map { $0["service"] as? String } == ["user", "processor"])
                    let actions = try await fixture.repository.auditEntries(forPlayer: "nobody-here", tenant: "tenant-a").map(\.action)
                    #expect(actions.filter { $0 == "erasure.store_completed" }.count == 2)
                    #expect(actions.last == "erasure.completed")
                }
            }
        }
    }

    @Test("bad input, missing roles and other tenants' requests get the platform's JSON errors")
    func refusals() async throws {
        try await PrivacyFixture.run { fixture in
            try await fixture.withCoordinator { running in
                try await Application(router: running.router).test(.router) { client in
                    for (token, body, expected, code) in [
                        (nil, #"{"player_id":"p"}"#, HTTPResponse.Status.unauthorized, "unauthorized"),
                        (Self.viewerA, #"{"player_id":"p"}"#, .forbidden, "forbidden"),
                        (Self.operatorA, #"{"player_id":"p"}"#, .forbidden, "forbidden"),
                        (Self.adminA, #"{}"#, .badRequest, "invalid_request"),
                        (Self.adminA, #"{"player_id":""}"#, .badRequest, "invalid_request"),
                        (Self.adminA, #"{"player_id":"\#(String(repeating: "x", count: 129))"}"#, .badRequest, "invalid_request"),
                        (Self.adminA, #"{"player_id":42}"#, .badRequest, nil),
                        (Self.adminA, #"not json"#, .badRequest, nil),
                    ] as [(String?, String, HTTPResponse.Status, String?)] {
                        let (status, json) = try await client.privacyCall(.post, "/v1/privacy/erasure", token: token, body: body)
                        #expect(status == expected, "\(body)")
                        let error = json["error"] as? [String: Any]
                        #expect(error?["message"] is String, "\(body)")
                        if let code { #expect(error?["code"] as? String == code, "\(body)") }
                    }
                    for uri in ["/v1/privacy/erasure/not-a-uuid", "/v1/privacy/erasure/\(UUID().uuidString)"] {
                        let (status, json) = try await client.privacyCall(.get, uri, token: Self.operatorA)
                        #expect(status == .notFound)
                        #expect((json["error"] as? [String: Any])?["code"] as? String == "not_found")
                    }
                    let (exportStatus, _) = try await client.privacyCall(.get, "/v1/players/nobody/export", token: Self.operatorA)
                    #expect(exportStatus == .notFound)
                    let (viewerExport, _) = try await client.privacyCall(.get, "/v1/players/nobody/export", token: Self.viewerA)
                    #expect(viewerExport == .forbidden)
                }
            }
            #expect(try await seqs(fixture).isEmpty)
        }
    }
}

private func seqs(_ fixture: PrivacyFixture) async throws -> [Int64] {
    try await fixture.client.withTransaction(logger: fixture.logger) { connection in
        try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: fixture.logger)
        var result: [Int64] = []
        for try await seq in try await connection.query("SELECT seq FROM audit_log ORDER BY seq", logger: fixture.logger).decode(Int64.self) {
            result.append(seq)
        }
        return result
    }
}

private func lastHash(_ fixture: PrivacyFixture) async throws -> String {
    try await fixture.client.withTransaction(logger: fixture.logger) { connection in
        try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: fixture.logger)
        for try await hash in try await connection.query(
            "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1", logger: fixture.logger
        ).decode(String.self) {
            return hash
        }
        return AuditLog.genesisHash
    }
}
