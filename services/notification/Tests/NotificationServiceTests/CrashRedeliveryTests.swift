import Foundation
import GameMetricsTesting
import Synchronization
import Testing

@testable import NotificationService

@Suite("A crash between send and commit repeats a delivery with the same message id", .serialized)
struct CrashRedeliveryTests {
    @Test("after SIGKILL between the receiver's acceptance and the service's record, the receiver sees one message id per notification")
    func sigkillBetweenSendAndCommit() async throws {
        try await NotificationFixture.run { fixture in
            // While armed, the first request the receiver gets kills the service as it waits for
            // the answer: the receiver has the message, the service never records the delivery.
            let armed = Mutex<ServiceProcess?>(nil)
            let receiver = WebhookReceiver { _ in
                armed.withLock { process in
                    process?.kill()
                    process = nil
                }
                return (200, [:])
            }
            try await receiver.run { url in
                let port = try PlatformContract.freeLoopbackPort()
                let environment = fixture.environment([
                    "GM_HTTP_PORT": String(port), "GM_INTERNAL_HTTP_PORT": String(try PlatformContract.freeLoopbackPort()),
                    "GM_NOTIFICATION_DELIVERY_TIMEOUT_MS": "1000",
                ])
                let api = NotificationAPI(url: "http://127.0.0.1:\(port)")
                func start() async throws -> ServiceProcess {
                    let process = try ServiceProcess.start(try TestServers.value("GM_TEST_NOTIFICATION_BIN"), environment: environment)
                    try await eventually(.seconds(60)) { (try? await api.send("GET", "/health/ready").status) == 200 }
                    return process
                }
                let first = try await start()
                defer { first.kill() }
                let endpoint = try await api.addEndpoint(url: url, adminToken: try await fixture.user.adminToken())
                let token = try await fixture.operatorToken()
                armed.withLock { $0 = first }
                var ids: [String: String] = [:]
                for index in 0..<3 {
                    let title = "crash-\(index)"
                    // The service may be gone already: a request it did not answer is not counted.
                    guard
                        let accepted = try? await api.notify(
                            #"{"channel":"webhook","to":{"endpoint_id":"\#(endpoint.id)"},"template":"operator_message","data":{"title":"\#(title)","message":"m"}}"#,
                            token: token),
                        accepted.status == 202
                    else { break }
                    ids[title] = try NotificationAPI.notificationID(accepted)
                }
                try await eventually(.seconds(30)) { first.isRunning == false }
                try #require(!ids.isEmpty)

                let second = try await start()
                defer { second.terminate() }
                for id in ids.values {
                    // Redelivered once the killed attempt's lease ends (3 x 1 s + 5 s).
                    _ = try await api.status(id, token: token, within: .seconds(90)) { $0["status"] as? String == "delivered" }
                }
                for (title, id) in ids {
                    let seen = receiver.requests.filter { ($0.json?["data"] as? [String: String])?["title"] == title }
                    #expect(Set(seen.compactMap(\.webhookID)) == ["msg_\(id)"], "\(title): \(seen.map(\.webhookID))")
                }
                #expect(receiver.requests.count > ids.count, "no delivery was repeated: the kill did not land between send and commit")
            }
        }
    }
}
