import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// An application that brings the database schema up to date before its HTTP server accepts
/// connections.
///
/// Hummingbird runs `processesRunBeforeServerStart` as a prelude of the server service while the
/// other services (the `PostgresClient` among them) are already running — exactly what a
/// migration needs. `Application.beforeServerStarts(perform:)` appends to that list, but
/// `ServiceApplication.build` returns `some ApplicationProtocol`, so services cannot reach it;
/// this wrapper forwards everything to the built application and appends the migration instead.
///
/// A failing migration throws out of the prelude: the service group shuts down and the process
/// exits with the ``MigrationError`` in its log, never serving with a half-known schema. Until the
/// migration finishes (possibly waiting for another replica's lock) the port is closed, so
/// readiness probes fail and no traffic arrives.
///
/// Wiring in a service's `App+build.swift`:
/// ```swift
/// let clients = try PlatformClients(needs: [.postgres], environment: environment, clientID: configuration.name, logger: logger)
/// let runner = MigrationRunner(client: clients.postgres!, migrations: UserSchema.migrations, logger: logger)
/// return ServiceApplication.build(configuration, clients: clients, logger: logger).migrating(with: runner)
/// ```
public struct MigratingApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    public typealias Responder = Base.Responder

    public let base: Base
    public let runner: MigrationRunner

    public init(_ base: Base, runner: MigrationRunner) {
        self.base = base
        self.runner = runner
    }

    public var responder: Base.Responder {
        get async throws { try await base.responder }
    }

    public var server: HTTPServerBuilder { base.server }
    public var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    public var configuration: ApplicationConfiguration { base.configuration }
    public var logger: Logger { base.logger }
    public var services: [any Service] { base.services }

    public var processesRunBeforeServerStart: [@Sendable () async throws -> Void] {
        let runner = runner
        return base.processesRunBeforeServerStart + [{ try await runner.migrate() }]
    }

    @Sendable public func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }
}

extension ApplicationProtocol {
    /// This application, with `runner` applied before the HTTP server starts.
    public func migrating(with runner: MigrationRunner) -> MigratingApplication<Self> {
        MigratingApplication(self, runner: runner)
    }
}
