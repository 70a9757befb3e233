import GameMetricsKit
import GameMetricsService
import Hummingbird

/// The identity and privacy hub: tenants, service clients, OAuth2 tokens (client credentials),
/// JWKS, write keys for ingestion, player profiles.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "user", defaultPort: 8085, environment: environment)
    let settings = try UserSettings(environment: environment, service: configuration)
    let logger = ServiceApplication.logger(configuration)
    let clients = try PlatformClients(needs: [.kafka, .postgres], environment: environment, clientID: configuration.name, logger: logger)
    guard let postgres = clients.postgres else { preconditionFailure("PlatformClients created no PostgreSQL client") }

    let keys = SigningKeyStore(client: postgres, issuer: settings.issuer, tokenLifetime: settings.accessTokenLifetime, logger: logger)
    let tenants = PostgresTenantRepository(client: postgres, logger: logger)
    let scope = TenantScope(client: postgres, logger: logger)
    let migrations = MigrationRunner(client: postgres, migrations: UserMigrations.all, logger: logger)

    return ServiceApplication.build(
        configuration, clients: clients, logger: logger,
        beforeServerStarts: [{ _ = try await migrations.migrate() }, { try await keys.load() }]
    ) { router in
        buildRouter(
            router, keys: keys, tenants: tenants, players: PostgresPlayerRepository(scope: scope),
            writeKeys: PostgresWriteKeyRepository(scope: scope),
            tokens: AccessTokens(keys: keys, issuer: settings.issuer, lifetime: settings.accessTokenLifetime),
            issuer: settings.issuer)
    }
}

/// The user service's routes on top of the platform router; repositories are parameters so tests
/// can pass in-memory ones.
func buildRouter(
    _ router: Router<AppRequestContext>, keys: SigningKeyStore, tenants: some TenantRepository,
    players: some PlayerRepository, writeKeys: some WriteKeyRepository, tokens: AccessTokens, issuer: String
) {
    router.add(middleware: BearerAuthenticator(verifier: keys))
    OAuthController(tenants: tenants, tokens: tokens, keys: keys, issuer: issuer).addRoutes(to: router)
    TenantController(tenants: tenants).addRoutes(to: router)
    WriteKeyController(repository: writeKeys).addRoutes(to: router)
    PlayerController(repository: players).addRoutes(to: router.group("v1/players"))
    SigningKeyController(keys: keys).addRoutes(to: router)
}
