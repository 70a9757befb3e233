import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Ingestion

@Suite("Ingestion's client secret can be mounted as a file")
struct IngestionSecretFileTests {
    @Test("GM_INGESTION_CLIENT_SECRET_FILE is read like the inline variable")
    func clientSecretFromAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-ingestion-secret-\(UUID().uuidString)").path
        try Data("from-a-file\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try IngestionSettings(
            environment: PlatformContract.unreachableDependencies.merging([
                "GM_INGESTION_CLIENT_SECRET": "", "GM_INGESTION_CLIENT_SECRET_FILE": path,
            ]))
        #expect(settings.serviceCredentials.clientSecret == "from-a-file")
    }
}
