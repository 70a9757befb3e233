import GameMetricsHTTP
import Logging
import ServiceLifecycle

/// Runs a service's ``StartupStep``s as a service of the application, so that the HTTP servers
/// need not wait for them: it is the last of the ``ServiceStartOrder``, entered once every
/// client runs, and stops before the clients it uses.
///
/// A shutdown (SIGTERM) during the steps cancels the step under way and ends this service
/// normally: the process exits with status 0, as after any graceful shutdown. A final failure
/// throws ``StartupStepFailed``, which ends the application (and the process, non-zero).
struct StartupSteps: Service, CustomStringConvertible {
    let steps: [StartupStep]
    let progress: StartupProgress
    let logger: Logger
    /// The first wait after a transient failure; each further one doubles, up to `maximumBackoff`.
    var firstBackoff: Duration = .milliseconds(500)
    var maximumBackoff: Duration = .seconds(15)

    var description: String { "StartupSteps(\(steps.map(\.name).joined(separator: ", ")))" }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.runSteps() }
        } catch  where Task.isShuttingDownGracefully {
            logger.notice(
                "shutdown during start-up: the remaining start-up steps were not run",
                metadata: [
                    "startup": "\(StartupNotFinished(progress.current)?.description ?? "finished")"
                ])
            return
        }
        // A service that returns ends its group: wait for the shutdown like the others.
        try? await gracefulShutdown()
    }

    private func runSteps() async throws {
        for step in steps {
            progress.begin(step.name)
            var attempt = 1
            var backoff = firstBackoff
            while true {
                do {
                    try await step.work()
                    break
                } catch let error where !Task.isCancelled && step.isTransient(error) {
                    progress.retrying(step.name, attempt: attempt + 1, after: "\(error)")
                    logger.warning(
                        "start-up step failed; retrying",
                        metadata: [
                            "step": "\(step.name)", "attempt": "\(attempt)", "error": "\(error)", "retry_in": "\(backoff)",
                        ])
                    try await Task.sleep(for: backoff)
                    attempt += 1
                    backoff = min(backoff * 2, maximumBackoff)
                } catch {
                    if Task.isCancelled { throw error }
                    progress.fail(step.name, error: "\(error)")
                    logger.critical(
                        "start-up step failed; stopping the service",
                        metadata: [
                            "step": "\(step.name)", "attempt": "\(attempt)", "error": "\(error)",
                        ])
                    throw StartupStepFailed(step: step.name, underlying: error)
                }
            }
        }
        progress.finish()
        logger.info("start-up steps finished", metadata: ["steps": "\(steps.map(\.name).joined(separator: ", "))"])
    }
}
