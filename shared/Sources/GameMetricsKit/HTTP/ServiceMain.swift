import Foundation
import Hummingbird
import Logging

/// The body of every `@main`: build the application from configuration and run it until SIGTERM
/// or SIGINT. A configuration error ends the process with exit code 78 (EX_CONFIG) and a JSON
/// log line naming the variable, instead of a crash trace.
public enum ServiceMain {
    public static func run<App: ApplicationProtocol>(_ build: @Sendable () async throws -> App) async {
        do {
            let app = try await build()
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch let error as ConfigurationError {
            fail(error.description, exitCode: 78)
        } catch {
            fail("service stopped: \(error)", exitCode: 1)
        }
    }

    private static func fail(_ message: String, exitCode: Int32) {
        let line = (try? JSONSerialization.data(withJSONObject: ["level": "critical", "msg": message], options: [.sortedKeys])) ?? Data()
        FileHandle.standardError.write(line + Data([0x0A]))
        exit(exitCode)
    }
}
