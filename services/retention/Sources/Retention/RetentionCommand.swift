import CurlHTTP
import Foundation
import GameMetricsAudit
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsS3
import Logging
import PostgresNIO

/// The one-shot commands, with the service's own configuration (`GM_PG_URL`, `GM_S3_*`,
/// `GM_ERASURE_SUBJECT_KEY`, `GM_AUDIT_HMAC_KEY`, `GM_RETENTION_*`) and no HTTP server:
/// - `retention run`: one pass now, as the leader would run it (waits for no schedule; skips
///   when another replica's pass holds the lock); prints its report as JSON.
/// - `retention restore TENANT YYYY-MM-DD`: loads the archived day into a restore table and
///   prints the restore as JSON.
/// Exit status 0 done, 1 failed, 2 bad arguments or configuration.
enum RetentionCommand {
    static let names: Set<String> = ["run", "restore"]

    static func run(_ arguments: [String], environment: EnvironmentReader) async -> Int32 {
        let logger = Logger(label: "retention.\(arguments.first ?? "")")
        let settings: RetentionSettings
        let postgresConfiguration: PostgresClient.Configuration
        let bucket: ArchiveBucket
        let subjects: ErasedSubjects
        let auditKeys: AuditKeyring
        do {
            settings = try RetentionSettings(environment: environment)
            postgresConfiguration = try PostgresClient.Configuration(environment: environment)
            // The service's own requirement reads GM_S3_* the one way they are read.
            let s3 = try S3Requirement.s3(http: HTTPClient()).makeClient(environment: environment, clientID: "retention", logger: logger).client
            bucket = ArchiveBucket(client: s3.client, name: s3.name)
            subjects = try ErasedSubjects(environment: environment)
            auditKeys = try AuditKeyring(environment: environment)
        } catch {
            standardError("retention: \(error)")
            return 2
        }
        let usage = "usage: retention run | retention restore TENANT YYYY-MM-DD"
        do {
            return try await PostgresClient.withShortLivedClient(postgresConfiguration, logger: logger) { postgres in
                let parts = RetentionParts(postgres: postgres, bucket: bucket, subjects: subjects, auditKey: auditKeys.current, settings: settings, logger: logger)
                switch arguments {
                case ["run"]:
                    let leadership = SessionLockLeadership.retentionPass(postgres: postgres, logger: logger)
                    guard let report = try await leadership.ifLeading({ try await parts.pass(metrics: RetentionMetrics()).run() }) else {
                        standardError("retention run: another replica's pass holds the lock; nothing done")
                        return 1
                    }
                    print(String(decoding: try JSONEncoder.api.encode(report), as: UTF8.self))
                    return report.failedTenants.isEmpty && !report.interrupted ? 0 : 1
                case let command where command.count == 3 && command[0] == "restore":
                    guard let day = ArchiveDay(iso: command[2]) else {
                        standardError("retention restore: '\(command[2])' is not a date (YYYY-MM-DD)\n\(usage)")
                        return 2
                    }
                    let summary = try await parts.restorer.restore(tenantID: command[1], day: day, requestedBy: "retention restore (command line)")
                    print(String(decoding: try JSONEncoder.api.encode(summary), as: UTF8.self))
                    return 0
                default:
                    standardError(usage)
                    return 2
                }
            }
        } catch is Restorer.NothingArchived {
            standardError("retention restore: nothing of tenant \(arguments.dropFirst().first ?? "") is archived for that day")
            return 1
        } catch {
            standardError("retention \(arguments.first ?? ""): \(String(reflecting: error))")
            return 1
        }
    }

    private static func standardError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
