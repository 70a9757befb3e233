import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsKit
import GameMetricsTesting
import Synchronization
import Testing

/// SIGTERM is how an orchestrator stops a replica: the executable must be gone within its
/// grace period, whatever its clients do, and every event it answered 202 for must be on Kafka.
@Suite("ingestion shutdown")
struct GracefulShutdownTests {
    @Test("SIGTERM under continuous load, with one client trickling a request body: the process exits within GM_SHUTDOWN_GRACE_MS and every event answered 202 is on the raw topic")
    func sigtermUnderLoad() async throws {
        let binary = try TestServers.value("GM_TEST_INGESTION_BIN")
        try await LiveIngestionFixture.run { fixture, _ in
            let port = try PlatformContract.freeLoopbackPort()
            let ingestion = try ServiceProcess.start(
                binary,
                environment: [
                    "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "\(port)", "GM_INTERNAL_HTTP_PORT": "\(try PlatformContract.freeLoopbackPort())",
                    "GM_LOG_LEVEL": "warning", "GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP"),
                    "GM_REDIS_URL": fixture.redisURL, "GM_USER_URL": fixture.userURL, "GM_AUTH_ISSUER": "http://user.test",
                    "GM_INGESTION_CLIENT_ID": fixture.ingestionClient.id, "GM_INGESTION_CLIENT_SECRET": fixture.ingestionClient.secret,
                    "GM_INGESTION_RAW_TOPIC": fixture.rawTopic, "GM_INGESTION_INVALID_TOPIC": fixture.invalidTopic,
                    "GM_WRITE_KEY_MAC_SECRET": PlatformContract.writeKeyMACSecret,
                    "GM_SHUTDOWN_GRACE_MS": "3000",
                    // A client that trickles its body could otherwise hold the shutdown this long.
                    "GM_HTTP_REQUEST_READ_TIMEOUT_MS": "120000", "GM_HTTP_IDLE_TIMEOUT_MS": "120000",
                ])
            defer { ingestion.kill() }
            let base = URL(string: "http://127.0.0.1:\(port)")!
            try await Self.waitUntilReady(base)

            let accepted = AcceptedIDs()
            let exitedAfter = try await withThrowingTaskGroup(of: Duration?.self) { group in
                for sender in 0..<4 {
                    group.addTask {
                        var sent = 0
                        // Until the process is gone: requests during the shutdown count too.
                        while ingestion.isRunning {
                            let id = UUID().uuidString.lowercased()
                            if try await Self.post(id: id, player: "player-\(sender)-\(sent)", to: base, key: fixture.writeKeyA) {
                                accepted.append(id)
                            }
                            sent += 1
                        }
                        return nil
                    }
                }
                let slow = try SlowUpload(port: port, key: fixture.writeKeyA)
                defer { slow.close() }
                // Load until 200 events are in, with the slow upload in flight, then the signal: a
                // fixed 2 s saw only 48 events in a full `make test` on two loaded cores.
                let loaded = await holdsEventually(within: .seconds(60), every: .milliseconds(50)) { accepted.ids.count >= 200 }
                #expect(loaded, "only \(accepted.ids.count) events were accepted in 60 s before the signal")
                ingestion.terminate()
                let exited = try await ingestion.waitForExit(within: .seconds(30))
                ingestion.kill()
                var result = exited
                for try await value in group where value != nil { result = value }
                return result
            }
            // The grace period plus a second for the signal and the process to be reaped.
            #expect(exitedAfter.map { $0 < .seconds(4) } ?? false, "exited after \(exitedAfter.map(String.init(describing:)) ?? "more than 30 s")")

            let ids = accepted.ids
            #expect(ids.count > 100, "only \(ids.count) events were accepted under load")
            let records = try await KafkaTopicReader.read(fixture.rawTopic, count: ids.count)
            let onTopic = Set(
                records.compactMap { record in
                    (try? JSONSerialization.jsonObject(with: Data(record.value)) as? [String: Any])?["event_id"] as? String
                })
            let lost = ids.filter { !onTopic.contains($0) }
            #expect(lost.isEmpty, "\(lost.count) of \(ids.count) acknowledged events are not on the topic")
        }
    }

    static func waitUntilReady(_ base: URL) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: base.appendingPathComponent("health/ready")),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("ingestion not ready within 60 s")
        throw NotReady()
    }

    /// One event; true when ingestion answered 202. A refused connection (the server is
    /// stopping) is no answer, which the caller does not count.
    static func post(id: String, player: String, to base: URL, key: String) async throws -> Bool {
        var request = URLRequest(url: base.appendingPathComponent("v1/events"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        request.httpBody = Data(
            PoisonCorpus.event(
                id: UUID(uuidString: id)!, tenantID: nil, playerID: player, occurredAt: RFC3339.format(Date()), properties: "{}"
            ).utf8)
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode == 202
        } catch {
            try await Task.sleep(for: .milliseconds(20))
            return false
        }
    }

    struct NotReady: Error {}
}

/// The event ids ingestion answered 202 for, from every sender.
private final class AcceptedIDs: Sendable {
    private let list = Mutex<[String]>([])

    var ids: [String] { list.withLock { $0 } }

    func append(_ id: String) { list.withLock { $0.append(id) } }
}

/// A request whose head and first body bytes are sent and whose rest never comes, over a raw
/// socket: what a client on a stalled mobile connection looks like to the server.
private final class SlowUpload: Sendable {
    private let socket: Int32

    init(port: Int, key: String) throws {
        socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw SocketFailed() }
        let head = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-API-Key: \(key)\r\nContent-Length: 10000\r\n\r\n{\"events\":["
        let sent = head.utf8CString.withUnsafeBufferPointer { send(socket, $0.baseAddress, $0.count - 1, 0) }
        guard sent > 0 else { throw SocketFailed() }
    }

    func close() {
        _ = Foundation.close(socket)
    }

    struct SocketFailed: Error {}
}
