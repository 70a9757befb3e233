import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import Testing

@testable import Admin
@testable import AnalyticsAPI
@testable import Ingestion
@testable import NotificationService
@testable import Processor
@testable import Recommendation
@testable import Retention
@testable import UserService

/// The connections the eight services and their Jobs make, derived from the `GM_*` variables
/// each reads: a service while its application is built (never run) from
/// ``PlatformContract/unreachableDependencies``; a Job (the charts run a service's command as a
/// pod of its own, named `<service>-<command>`) while its command reads its configuration.
/// `user seed-demo` runs only locally and is left out.
struct ServiceCallGraph {
    /// The variables each caller read, by caller (a service, or a Job as `<service>-<command>`).
    let reads: [String: Set<String>]

    /// Every caller the graph derives: the eight services and their Jobs.
    static var callers: [String] { PlatformService.all.map(\.name) + jobs.map(\.caller) }

    /// Builds each service and runs each Job's command until it gives up (see ``jobs``), recording reads.
    static func derive() async throws -> ServiceCallGraph {
        var reads: [String: Set<String>] = [:]
        for service in PlatformService.all {
            let recorder = EnvironmentReadRecorder()
            _ = try application(of: service, PlatformContract.unreachableDependencies.recordingReads(in: recorder))
            reads[service.name] = recorder.namesRead
        }
        for job in jobs {
            let recorder = EnvironmentReadRecorder()
            let status = await job.run(job.environment.recordingReads(in: recorder))
            #expect(status == 2, "\(job.caller) exited \(status), not 2 (it should stop before doing any work)")
            reads[job.caller] = recorder.namesRead
        }
        return ServiceCallGraph(reads: reads)
    }

    /// Every edge: each caller's connections, and Prometheus to each service that listens on its
    /// internal port.
    var edges: Set<CallEdge> {
        var edges: Set<CallEdge> = []
        for (caller, names) in reads {
            for name in names {
                switch CallTarget(variable: name) {
                case .connects(let to, let port): edges.insert(CallEdge(from: caller, to: to, port: port))
                case .scrapedByPrometheus: edges.insert(CallEdge(from: "prometheus", to: caller, port: "internal"))
                case .calledBy(let from, let port): edges.insert(CallEdge(from: from, to: caller, port: port))
                case .unknownAddress, .none: break
                }
            }
        }
        return edges
    }

    /// Addresses read that ``CallTarget`` does not know, as `caller: GM_...`.
    var unknownAddresses: [String] {
        reads.flatMap { caller, names in
            names.filter { CallTarget(variable: $0) == .unknownAddress }.map { "\(caller): \($0)" }
        }.sorted()
    }

    /// What `App.swift`'s `main` builds for each service.
    static func application(of service: PlatformService, _ environment: EnvironmentReader) throws -> any ApplicationProtocol {
        switch service {
        case .admin: try Admin.buildApplication(environment: environment)
        case .ingestion: try Ingestion.buildApplication(environment: environment)
        case .processor: try Processor.buildApplication(environment: environment)
        case .recommendation: try Recommendation.buildApplication(environment: environment)
        case .analyticsAPI: try AnalyticsAPI.buildApplication(environment: environment)
        case .user: try UserService.buildApplication(environment: environment)
        case .notification: try NotificationService.buildApplication(environment: environment)
        case .retention: try Retention.buildApplication(environment: environment)
        default: throw UnknownService(name: service.name)
        }
    }

    struct UnknownService: Error, CustomStringConvertible {
        var name: String
        var description: String { "no build known for the service \(name): add it to ServiceCallGraph.application(of:_:)" }
    }

    /// The commands the charts run as Jobs, as `App.swift` runs them, each with an environment
    /// that makes it exit 2 before any work: `migrate` without `GM_PG_MIGRATION_URL` stops at its
    /// configuration (so anything it would read after the URL is not seen); `audit-verify` reads
    /// all of its configuration, then fails to reach the anchor's S3 on a closed port.
    private static let jobs: [(caller: String, environment: EnvironmentReader, run: @Sendable (EnvironmentReader) async -> Int32)] = [
        (
            "processor-migrate", EnvironmentReader([:]),
            {
                await MigrateCommand.run(service: "processor", migrations: ProcessorMigrations.all, table: ProcessorMigrations.table, environment: $0)
            }
        ),
        (
            "analytics-api-migrate", EnvironmentReader([:]),
            {
                await MigrateCommand.run(
                    service: "analytics-api", migrations: AnalyticsMigrations.all, table: AnalyticsMigrations.table, environment: $0)
            }
        ),
        (
            "user-migrate", EnvironmentReader([:]),
            {
                await MigrateCommand.run(service: "user", migrations: UserMigrations.all, table: UserMigrations.table, environment: $0)
            }
        ),
        (
            "notification-migrate", EnvironmentReader([:]),
            {
                await MigrateCommand.run(
                    service: "notification", migrations: NotificationMigrations.all, table: NotificationMigrations.table, environment: $0)
            }
        ),
        (
            "retention-migrate", EnvironmentReader([:]),
            {
                await MigrateCommand.run(service: "retention", migrations: RetentionMigrations.all, table: RetentionMigrations.table, environment: $0)
            }
        ),
        (
            "recommendation-migrate", EnvironmentReader([:]),
            {
                await MigrateCommand.run(
                    service: "recommendation", migrations: RecommendationMigrations.all, table: RecommendationMigrations.table, environment: $0)
            }
        ),
        ("user-audit-verify", PlatformContract.unreachableDependencies, { await AuditVerifyCommand.run(environment: $0) }),
    ]
}
