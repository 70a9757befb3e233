import Foundation
import GameMetricsKit
import Hummingbird
import Logging
import ServiceLifecycle
import CMalloc

/// The body of every `@main`: build the application from configuration and run it until SIGTERM
/// or SIGINT, then stop it within `GM_SHUTDOWN_GRACE_MS`. A configuration error ends the process
/// with exit code 78 (EX_CONFIG) and a JSON log line naming the variable, instead of a crash trace.
public enum ServiceMain {
    public static func run<App: ApplicationProtocol>(_ build: @Sendable () async throws -> App) async {
        limitMallocArenas()
        do {
            let app = try await build()
            let grace = try ServiceConfiguration.shutdownGracePeriod(environment: EnvironmentReader())
            try await ServiceGroup(configuration: groupConfiguration(app, grace: grace)).run()
        } catch let error as ConfigurationError {
            fail(error.description, exitCode: 78)
        } catch {
            fail("service stopped: \(error)", exitCode: 1)
        }
    }

    /// The graceful shutdown (requests and batches in flight finish, clients flush and close in
    /// reverse start order) gets four fifths of the grace period; whatever still runs then is
    /// cancelled (swift-service-lifecycle's maximum graceful shutdown duration) and should end
    /// at once. ``ShutdownDeadline`` ends the process when the grace period is over all the
    /// same, so it is gone before the orchestrator's SIGKILL (Kubernetes'
    /// `terminationGracePeriodSeconds` must be at least the grace period).
    static func groupConfiguration(_ app: some ApplicationProtocol, grace: Duration) -> ServiceGroupConfiguration {
        // The deadline is last, so it hears of the shutdown first.
        let deadline = ShutdownDeadline(grace: grace, logger: app.logger)
        var configuration = ServiceGroupConfiguration(
            services: [app, deadline], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
        configuration.maximumGracefulShutdownDuration = grace * 4 / 5
        return configuration
    }

    /// glibc gives every thread that allocates under contention its own malloc arena (up to 8
    /// per core), and memory freed into one arena is not reused by another: with NIO's event
    /// loops, the concurrency pool and librdkafka's threads, RSS grows with the thread count
    /// rather than with the data. Four arenas keep it bounded without making threads queue for
    /// malloc's lock (two cost ingestion a sixth of its request rate in bench/ingestion);
    /// `MALLOC_ARENA_MAX` still wins.
    private static func limitMallocArenas() {
        if ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil {
            _ = gm_limit_malloc_arenas(4)
        }
    }

    private static func fail(_ message: String, exitCode: Int32) {
        let line = (try? JSONSerialization.data(withJSONObject: ["level": "critical", "msg": message], options: [.sortedKeys])) ?? Data()
        FileHandle.standardError.write(line + Data([0x0A]))
        exit(exitCode)
    }
}
