import Foundation
import GameMetricsKit
import GameMetricsPeers
import GameMetricsPostgres
import GameMetricsS3
import GameMetricsService
import GameMetricsTesting
import Logging
import Testing

/// Every secret a shared module reads may be mounted as a file (`NAME_FILE`), as Kubernetes
/// secrets are, instead of sitting in the process environment.
@Suite("Secrets of the shared modules can be given as files")
struct SecretFileTests {
    private static func withFile<T>(_ content: String, _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-secret-\(UUID().uuidString)").path
        try Data((content + "\n").utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    @Test("GM_ERASURE_SUBJECT_KEY_FILE gives the same erased-subject key as the inline variable")
    func erasureSubjectKeyFromAFile() throws {
        let inline = try ErasedSubjects(environment: EnvironmentReader(["GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey]))
        let fromFile = try Self.withFile(PlatformContract.testErasureSubjectKey) { path in
            try ErasedSubjects(environment: EnvironmentReader(["GM_ERASURE_SUBJECT_KEY_FILE": path]))
        }
        #expect(fromFile.subject(tenantID: "t", playerID: "p") == inline.subject(tenantID: "t", playerID: "p"))
    }

    @Test("GM_S3_SECRET_KEY_FILE is accepted by the S3 requirement")
    func s3SecretFromAFile() throws {
        try Self.withFile("s3-secret") { path in
            var clients = PlatformClients(
                environment: EnvironmentReader([
                    "GM_S3_ENDPOINT": "http://127.0.0.1:1", "GM_S3_ACCESS_KEY": "key",
                    "GM_S3_SECRET_KEY_FILE": path, "GM_S3_BUCKET": "bucket",
                ]),
                clientID: "secret-file-test", logger: Logger(label: "secret-file-test"))
            let http = try clients.require(.http)
            try clients.require(.s3(http: http))
            #expect(clients.checks.map(\.name).contains("s3"))
        }
    }
}
