import Logging
import ServiceLifecycle

/// Runs `services` (Kafka clients, applications, ...) around `body`, then shuts them down
/// gracefully and waits for them to finish.
public func withRunningServices<T: Sendable>(
    _ services: [any Service], logger: Logger = Logger(label: "tests"), _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    return try await withThrowingTaskGroup(of: T?.self) { tasks in
        tasks.addTask {
            try await group.run()
            return nil
        }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            while let next = try await tasks.next() { _ = next }
            return result
        } catch {
            await group.triggerGracefulShutdown()
            while (try? await tasks.next()) != nil {}
            throw error
        }
    }
}
