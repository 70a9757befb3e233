import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// A Hummingbird application whose services run beside it in a group of our own, so that a
/// start-up step's final failure shuts everything down *gracefully*: the servers stop accepting
/// and drain, then the run throws the step's error. Hummingbird's own group cancels its server
/// when a service throws, and a cancelled server traps on a connection it accepted but had not
/// handed out yet (apple/swift-nio#3481).
///
/// The test frameworks (`test(.router)`, `test(.live)`) use `server` and `services` as before.
struct PlatformApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    typealias Responder = Base.Responder

    /// The public server, with no services of its own.
    let base: Base
    /// The services, in start order (clients first); the start-up steps are the last, if any.
    let services: [any Service]
    let hasStartupSteps: Bool

    var responder: Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }

    func run() async throws {
        var group = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if hasStartupSteps, let steps = services.last {
            group[group.count - 1] = .init(service: steps, failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        // Last: the first to hear of a shutdown, so it drains before the clients stop.
        group.append(.init(service: base))
        try await ServiceGroup(configuration: .init(services: group, logger: logger)).run()
    }
}
