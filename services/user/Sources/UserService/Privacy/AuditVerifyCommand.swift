import Foundation
import GameMetricsKit
import Logging
import PostgresNIO

/// `user audit-verify`: verifies the audit log's hash chain in the database `GM_PG_URL` names.
/// Exit status 0 when intact, 1 when a row does not verify (named on stderr), 2 when the check
/// could not run (configuration or database error).
enum AuditVerifyCommand {
    static func run(environment: EnvironmentReader) async -> Int32 {
        var logger = Logger(label: "user.audit-verify")
        logger.logLevel = .warning
        let configuration: PostgresClient.Configuration
        do {
            configuration = try PostgresClient.Configuration(environment: environment)
        } catch {
            standardError("audit-verify: \(error)")
            return 2
        }
        let outcome: Swift.Result<AuditVerifier.Result, any Error>
        do {
            outcome = .success(try await PostgresClient.withShortLivedClient(configuration, logger: logger) {
                try await AuditVerifier(client: $0, logger: logger).verify()
            })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(.intact(let rows, let lastHash)):
            print("audit log intact: \(rows) rows, head \(lastHash)")
            return 0
        case .success(.broken(let seq, let reason)):
            standardError("audit log broken at seq \(seq): \(reason)")
            return 1
        case .failure(let error):
            standardError("audit-verify: could not read the audit log: \(String(reflecting: error))")
            return 2
        }
    }

    private static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
