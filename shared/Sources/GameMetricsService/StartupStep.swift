/// Work a service must finish, with its clients running, before its API can answer: checking
/// the schema, loading keys. ``ServiceApplication`` runs the steps in order while its HTTP
/// servers already answer liveness and readiness (not ready, naming the step, until the last
/// one has finished).
///
/// A failure `isTransient` calls worth retrying (a dependency that did not answer) is retried
/// with a backoff, the service staying live and not ready; any other failure is final and stops
/// the service with a non-zero exit status.
public struct StartupStep: Sendable {
    public let name: String
    public let isTransient: @Sendable (any Error) -> Bool
    public let work: @Sendable () async throws -> Void

    public init(
        _ name: String, retryingWhen isTransient: @escaping @Sendable (any Error) -> Bool = { _ in false },
        work: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.isTransient = isTransient
        self.work = work
    }
}

/// A start-up step failed for good: the service stops, and its exit log line says which and why.
public struct StartupStepFailed: Error, CustomStringConvertible {
    public let step: String
    public let underlying: any Error

    public var description: String { "start-up step \(step) failed: \(underlying)" }
}
