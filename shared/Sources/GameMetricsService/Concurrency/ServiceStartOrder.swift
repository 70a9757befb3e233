import GameMetricsKit
import ServiceLifecycle

/// Services that start in the order given — each one's `run()` is entered only after the
/// previous one's — and, run in a ServiceGroup, stop in reverse. A ServiceGroup starts its
/// services at the same time, so a client could otherwise be used before it runs (PostgresNIO
/// then warns "`PostgresClient.run()` hasn't been called yet" and the query waits by luck).
/// List clients before the services that use them.
public struct ServiceStartOrder: Sendable {
    /// The services, each waiting for the previous one to start.
    public let services: [any Service]
    private let last: StartGate?

    public init(_ services: [any Service]) {
        var ordered: [any Service] = []
        var previous: StartGate?
        for service in services {
            let gate = StartGate()
            ordered.append(StartsAfter(service: service, previous: previous, started: gate))
            previous = gate
        }
        self.services = ordered
        last = previous
    }

    /// Returns once every service has started: for work that needs them all (a server's
    /// start-up steps). Called once.
    public func allStarted() async {
        await last?.wait()
    }
}

/// A service that waits for its predecessor to start, then starts.
private struct StartsAfter: Service, CustomStringConvertible {
    let service: any Service
    let previous: StartGate?
    let started: StartGate

    var description: String { String(describing: service) }

    func run() async throws {
        await previous?.wait()
        // Opened as the last thing before the run, which a client's `run()` marks at once.
        started.open()
        try await service.run()
    }
}
