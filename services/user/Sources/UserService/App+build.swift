import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import Hummingbird
import PostgresNIO

/// The identity and privacy hub: tenants, service clients and operators, OAuth2 (client
/// credentials, authorization code + PKCE, refresh rotation, revocation, introspection), JWKS,
/// write keys for ingestion, player profiles, GDPR erasure and export with an audit log.
///
/// `passwordHasher` hashes operator passwords; tests pass a cheap cost, production keeps
/// `.interactive`. The login rate limiter counts per client address: the connection's peer, or
/// with `GM_TRUSTED_PROXIES=n` the `X-Forwarded-For` entry the outermost of n proxies added.
func buildApplication(
    environment: EnvironmentReader, passwordHasher: PasswordHasher = PasswordHasher(cost: .interactive)
) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .user, environment: environment)
    let settings = try UserSettings(environment: environment, service: configuration)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    let postgres = try clients.require(.postgres)
    let producer = try clients.require(.kafkaProducer(for: privacyKafkaAccess()))
    // `GM_WRITE_KEY_MAC_SECRET[_FILE]` (+ `GM_WRITE_KEY_MAC_PREVIOUS_SECRET[_FILE]`): write keys are
    // issued with a MAC under it, shared only with ingestion (ADR 0015); read again while running,
    // so a rotation needs no restart (ADR 0026).
    let writeKeyMAC = try clients.require(.writeKeyMAC)

    // `GM_SIGNING_KEY_ENCRYPTION_KEY[_FILE]` (+ `_PREVIOUS_KEY[_FILE]`), read again while running.
    let encryption = try clients.require(
        ReloadingSecretRequirement(
            name: "signing-key-encryption", variables: ["GM_SIGNING_KEY_ENCRYPTION_KEY", "GM_SIGNING_KEY_ENCRYPTION_PREVIOUS_KEY"]
        ) { try SigningKeyEncryption(environment: $0) })
    let keys = SigningKeyStore(
        client: postgres, encryption: encryption, issuer: settings.issuer,
        tokenLifetime: settings.accessTokenLifetime, logger: logger)
    let tenants = PostgresTenantRepository(client: postgres, logger: logger)
    let scope = TenantScope(client: postgres, logger: logger)
    let migrations = MigrationRunner(client: postgres, migrations: UserMigrations.all, logger: logger, table: UserMigrations.table)
    let openAPI = try OpenAPIController(resource: Bundle.module.url(forResource: "openapi", withExtension: "json"))
    let privacy = try buildPrivacy(postgres: postgres, producer: producer, environment: environment, logger: logger)
    let limiter = LoginRateLimiter(postgres: postgres, logger: logger)
    let purger = LoginAttemptPurger(
        postgres: postgres, retention: limiter.policy.retention, interval: settings.loginAttemptPurgeInterval, logger: logger)

    return ServiceApplication.build(
        configuration, checks: clients.checks, services: clients.services + privacy.services + [purger], logger: logger,
        startupSteps: [
            // Checks the schema as this service's own role (the owner migrates beforehand:
            // `user migrate`); a pending or unknown migration stops the service.
            StartupStep("schema", retryingWhen: PostgresClient.isUnreachable) { _ = try await migrations.migrate() },
            StartupStep("signing-keys", retryingWhen: PostgresClient.isUnreachable) { try await keys.prepare() },
        ]
    ) { router in
        openAPI.addRoutes(to: router)
        buildRouter(
            router, keys: keys, tenants: tenants, players: PostgresPlayerRepository(scope: scope),
            writeKeys: PostgresWriteKeyRepository(scope: scope), writeKeyMAC: writeKeyMAC,
            tokens: AccessTokens(keys: keys, issuer: settings.issuer, lifetime: settings.accessTokenLifetime),
            issuer: settings.issuer,
            operatorAuth: OperatorAuth(
                operators: PostgresOperatorRepository(scope: scope),
                codes: PostgresAuthorizationCodeRepository(postgres: postgres, logger: logger),
                refreshTokens: PostgresRefreshTokenRepository(client: postgres, logger: logger),
                limiter: limiter, hasher: passwordHasher, trustedProxies: settings.trustedProxies))
        // After buildRouter, so the bearer authenticator applies to these routes too.
        privacy.addRoutes(to: router)
    }
}

/// The user service's routes on top of the platform router; repositories are parameters (the
/// PostgreSQL ones in production; the type of each is the service's protocol).
func buildRouter(
    _ router: Router<AppRequestContext>, keys: SigningKeyStore, tenants: some TenantRepository,
    players: some PlayerRepository, writeKeys: some WriteKeyRepository, writeKeyMAC: ReloadingSecret<WriteKeyMAC>, tokens: AccessTokens, issuer: String,
    operatorAuth: OperatorAuth
) {
    router.add(middleware: BearerAuthenticator(verifier: keys))
    let grants = OperatorTokenGrants(
        codes: operatorAuth.codes, refreshTokens: operatorAuth.refreshTokens, operators: operatorAuth.operators, tokens: tokens)
    OAuthController(tenants: tenants, tokens: tokens, keys: keys, issuer: issuer, operatorGrants: grants).addRoutes(to: router)
    AuthorizationController(
        codes: operatorAuth.codes, operators: operatorAuth.operators, limiter: operatorAuth.limiter,
        hasher: operatorAuth.hasher, trustedProxies: operatorAuth.trustedProxies
    ).addRoutes(to: router)
    RevocationController(tenants: tenants, codes: operatorAuth.codes, refreshTokens: operatorAuth.refreshTokens).addRoutes(to: router)
    IntrospectionController(tenants: tenants, keys: keys, refreshTokens: operatorAuth.refreshTokens).addRoutes(to: router)
    OperatorController(operators: operatorAuth.operators, hasher: operatorAuth.hasher).addRoutes(to: router)
    TenantController(tenants: tenants).addRoutes(to: router)
    WriteKeyController(repository: writeKeys, mac: writeKeyMAC).addRoutes(to: router)
    PlayerController(repository: players).addRoutes(to: router.group("v1/players"))
    SigningKeyController(keys: keys).addRoutes(to: router)
}

/// What the operator sign-in endpoints (authorization code, refresh tokens, revocation,
/// introspection, `/v1/operators`) need, bundled so `buildRouter` keeps one parameter for them.
struct OperatorAuth: Sendable {
    var operators: any OperatorRepository
    var codes: any AuthorizationCodeRepository
    var refreshTokens: any RefreshTokenRepository
    var limiter: LoginRateLimiter
    var hasher: PasswordHasher
    var trustedProxies: Int
}
