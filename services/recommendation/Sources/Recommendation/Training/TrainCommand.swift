import CurlHTTP
import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsS3
import Logging
import PostgresNIO

/// `recommendation train [TENANT ...]`: one training pass now, as the leader would run it (every
/// tenant with a catalogue, or the ones named), with the service's own configuration
/// (`GM_PG_URL`, `GM_S3_*`, `GM_ERASURE_SUBJECT_KEY`, `GM_RECOMMENDATION_*`) and no HTTP
/// server; prints its report as JSON. Exit status 0 done, 1 failed (or another replica holds
/// the training lock), 2 bad configuration.
enum TrainCommand {
    static func run(_ tenants: [String], environment: EnvironmentReader) async -> Int32 {
        let logger = Logger(label: "recommendation.train")
        let settings: RecommendationSettings
        let postgresConfiguration: PostgresClient.Configuration
        let bucket: ModelBucket
        let subjects: ErasedSubjects
        do {
            settings = try RecommendationSettings(environment: environment)
            postgresConfiguration = try PostgresClient.Configuration(environment: environment)
            let s3 = try S3Requirement.s3(http: HTTPClient()).makeClient(environment: environment, clientID: "recommendation", logger: logger).client
            bucket = ModelBucket(client: s3.client, name: s3.name)
            subjects = try ErasedSubjects(environment: environment)
        } catch {
            standardError("recommendation train: \(error)")
            return 2
        }
        do {
            return try await PostgresClient.withShortLivedClient(postgresConfiguration, logger: logger) { postgres in
                let trainer = ModelTrainer(postgres: postgres, subjects: subjects, bucket: bucket, settings: settings, logger: logger)
                let pass = TrainingPass(trainer: trainer, postgres: postgres, logger: logger)
                let leadership = SessionLockLeadership(lockClass: TrainingScheduler.lockClass, postgres: postgres, logger: logger)
                guard let report = try await leadership.ifLeading({ try await pass.run(now: Date(), tenants: tenants.isEmpty ? nil : tenants) { false } }) else {
                    standardError("recommendation train: another replica's training holds the lock; nothing done")
                    return 1
                }
                var printed: [String: JSONValue] = [:]
                printed["trained"] = .object(report.trained.mapValues { .string($0.version) })
                printed["skipped"] = .object(report.skipped.mapValues { .string($0) })
                printed["failed"] = .object(report.failed.mapValues { .string($0) })
                print(String(decoding: try JSONEncoder.api.encode(JSONValue.object(printed)), as: UTF8.self))
                return report.failed.isEmpty ? 0 : 1
            }
        } catch {
            standardError("recommendation train: \(String(reflecting: error))")
            return 1
        }
    }

    private static func standardError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
