import Foundation
import GameMetricsKit
import Hummingbird
import Logging
import CMalloc

/// The body of every `@main`: build the application from configuration and run it until SIGTERM
/// or SIGINT. A configuration error ends the process with exit code 78 (EX_CONFIG) and a JSON
/// log line naming the variable, instead of a crash trace.
public enum ServiceMain {
    public static func run<App: ApplicationProtocol>(_ build: @Sendable () async throws -> App) async {
        limitMallocArenas()
        do {
            let app = try await build()
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch let error as ConfigurationError {
            fail(error.description, exitCode: 78)
        } catch {
            fail("service stopped: \(error)", exitCode: 1)
        }
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
