import Foundation
import GameMetricsKit
import GameMetricsPostgres
import PostgresNIO
import Testing

/// GM_PG_URL and GM_PG_MIGRATION_URL carry a password: they come from a mounted secret file as
/// well as inline, and no configuration error repeats them (errors reach logs and CI output).
@Suite("PostgreSQL URLs are secrets")
struct PostgresConfigurationSecretTests {
    @Test("GM_PG_URL is read from the file GM_PG_URL_FILE names")
    func urlFromFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gm-pg-url-\(UUID().uuidString)").path
        try Data("postgres://svc:from-file-pw@db.internal:5433/gamemetrics\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try PostgresClient.Configuration(environment: EnvironmentReader(["GM_PG_URL_FILE": path]))
        #expect(configuration.host == "db.internal" && configuration.port == 5433 && configuration.password == "from-file-pw")
    }

    @Test("a malformed GM_PG_URL is refused without its password in the error")
    func malformedURLIsNotEchoed() {
        for malformed in ["postgres://svc:hunter2@", "mysql://svc:hunter2@db/gm", "svc:hunter2@db"] {
            let error = #expect(throws: ConfigurationError.self) {
                try PostgresClient.Configuration(environment: EnvironmentReader(["GM_PG_URL": malformed]))
            }
            #expect(error.map { !"\($0)".contains("hunter2") } == true, "\(String(describing: error))")
        }
    }
}
