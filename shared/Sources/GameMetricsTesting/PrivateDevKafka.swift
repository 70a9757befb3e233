import CurlHTTP
import Foundation
import HTTPTypes

/// A devkafka of one test's own, for tests that take brokers down or drive its consumer groups
/// into corners: on the shared devkafka an outage moves group coordinators under every other
/// test's consumers. It loads the patched mock library (GM_TEST_DEVKAFKA_LIBRARY_PATH), as the
/// shared one does (tools/devkafka/librdkafka).
public struct PrivateDevKafka: Sendable {
    public let bootstrap: [String]
    public let control: DevKafkaControl
    private let process: ServiceProcess

    /// False once the broker process has exited, e.g. aborted.
    public var isRunning: Bool { process.isRunning }

    /// Starts `GM_TEST_DEVKAFKA_BIN` on a free loopback port, runs `body`, then kills it.
    public static func with<T: Sendable>(_ body: (PrivateDevKafka) async throws -> T) async throws -> T {
        let binary = try TestServers.value("GM_TEST_DEVKAFKA_BIN")
        let port = try PlatformContract.freeLoopbackPort()
        let bootstrapFile = FileManager.default.temporaryDirectory.appendingPathComponent("devkafka-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: bootstrapFile) }
        var environment = [
            "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": String(port), "GM_LOG_LEVEL": "warning",
            "GM_DEVKAFKA_BOOTSTRAP_FILE": bootstrapFile,
        ]
        if let library = ProcessInfo.processInfo.environment["GM_TEST_DEVKAFKA_LIBRARY_PATH"], !library.isEmpty {
            environment["LD_LIBRARY_PATH"] = library
        }
        let process = try ServiceProcess.start(binary, environment: environment)
        defer { process.kill() }
        let deadline = ContinuousClock.now + .seconds(30)
        while (FileManager.default.contents(atPath: bootstrapFile) ?? Data()).isEmpty {
            guard ContinuousClock.now < deadline, process.isRunning else { throw TestServers.MissingTestServer(variable: "GM_TEST_DEVKAFKA_BIN") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let list = String(decoding: FileManager.default.contents(atPath: bootstrapFile)!, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // The bootstrap file is written when the brokers are up, before the control port listens.
        let controlURL = URL(string: "http://127.0.0.1:\(port)")!
        while !(await isReady(controlURL)) {
            guard ContinuousClock.now < deadline, process.isRunning else { throw TestServers.MissingTestServer(variable: "GM_TEST_DEVKAFKA_BIN") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let devKafka = PrivateDevKafka(bootstrap: list.split(separator: ",").map(String.init), control: DevKafkaControl(baseURL: controlURL), process: process)
        return try await body(devKafka)
    }

    private static func isReady(_ controlURL: URL) async -> Bool {
        let request = HTTPRequest(method: .get, url: controlURL.appendingPathComponent("health/ready"))
        return (try? await testHTTPClient.execute(request, timeout: .seconds(2)).response.status) == .ok
    }
}
