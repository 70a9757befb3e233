import Logging
import ServiceLifecycle

/// The lifecycle service that keeps a ``ReloadingSecret`` current: every `interval` it reads the
/// secret's files again, until graceful shutdown. It is a child of the service group, like every
/// other long-running piece of a service (no stored task, ADR 0021).
public struct SecretReloader<Value: Sendable>: Service {
    let secret: ReloadingSecret<Value>
    let interval: Duration
    let logger: Logger

    public init(secret: ReloadingSecret<Value>, interval: Duration, logger: Logger) {
        self.secret = secret
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await secret.reload(logger: logger)
            }
        }
    }
}
