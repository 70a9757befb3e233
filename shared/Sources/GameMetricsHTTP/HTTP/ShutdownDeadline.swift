import Dispatch
import Foundation
import Logging
import ServiceLifecycle

/// Ends the process `grace` after graceful shutdown began, if it is still running: the bound an
/// orchestrator relies on, kept even when a task does not end on cancellation (a call blocked
/// in a C library). A Dispatch timer, not a task: the ServiceGroup cancels its tasks before
/// then. Exits with status 1 and a log line saying so; a process that stops in time exits
/// before the timer fires.
struct ShutdownDeadline: Service {
    let grace: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let logger = self.logger
        let grace = self.grace
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(grace.components.seconds * 1000 + grace.components.attoseconds / 1_000_000_000_000_000))) {
            logger.critical("shutdown did not finish within the grace period; exiting", metadata: ["grace": "\(grace)"])
            exit(1)
        }
    }
}
