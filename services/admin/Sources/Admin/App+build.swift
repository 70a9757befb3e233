import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPeers
import GameMetricsRedis
import GameMetricsService
import Hummingbird

/// The operators' web console: pages rendered here from the user service's and analytics-api's
/// APIs, called with the signed-in operator's token; sessions in Redis (ADR 0033).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .admin, environment: environment)
    let settings = try AdminSettings(environment: environment, httpPort: configuration.port)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    let http = try clients.require(.http)
    try clients.require(.peer("user", variable: "GM_USER_URL", http: http))
    try clients.require(.peer("analytics-api", variable: "GM_ANALYTICS_API_URL", http: http))
    // Sessions live in Redis: without it nobody can sign in or stay signed in.
    let redis = try clients.require(.redis(gatesReadiness: true))

    let renderer = try PageRenderer.bundled()
    let assets = try StaticAssets(vendorDirectory: settings.vendorDirectory)
    let tokens = OperatorTokens(http: http, userServiceURL: settings.userServiceURL, clientID: settings.clientID, redirectURI: settings.redirectURI)
    let access = ConsoleAccess(
        store: SessionStore(redis: redis, idle: settings.sessionIdle, maximum: settings.sessionMaximum), tokens: tokens, settings: settings, logger: logger)
    let pages = ConsolePages(access: access, renderer: renderer)
    let analytics = AnalyticsQueries(calls: UpstreamCalls(http: http), baseURL: settings.analyticsURL)
    let users = UserDirectory(calls: UpstreamCalls(http: http), baseURL: settings.userServiceURL)
    let login = LoginController(
        access: access, verifier: JWKSAccessTokenVerifier(userServiceURL: settings.userServiceURL, issuer: settings.issuer, http: http),
        pages: pages, logger: logger)
    let overview = OverviewController(pages: pages, analytics: analytics)
    let live = LiveController(access: access, relay: LiveRelay(analyticsURL: settings.analyticsURL, logger: logger))
    let deadLetters = settings.readinessTargets.first { $0.name == NotificationDeadLetters.service }.map {
        NotificationDeadLetters(calls: UpstreamCalls(http: http), baseURL: $0.url)
    }
    let pipeline = PipelineController(
        pages: pages, analytics: analytics, readiness: ServiceReadiness(http: http, targets: settings.readinessTargets), deadLetters: deadLetters)
    let players = PlayersController(pages: pages, users: users, analytics: analytics)
    let settingsPage = SettingsController(pages: pages, users: users)
    let games = GamesController(pages: pages, analytics: analytics)
    let openAPI = try OpenAPIController(resource: Bundle.module.url(forResource: "openapi", withExtension: "json"))
    return ServiceApplication.build(configuration, clients: clients, logger: logger) { router in
        ConsoleMetrics.registerAtZero(upstreams: [AnalyticsQueries.service, UserDirectory.service, NotificationDeadLetters.service])
        openAPI.addRoutes(to: router)
        assets.addRoutes(to: router)
        login.addRoutes(to: router)
        overview.addRoutes(to: router)
        live.addRoutes(to: router)
        pipeline.addRoutes(to: router)
        players.addRoutes(to: router)
        settingsPage.addRoutes(to: router)
        games.addRoutes(to: router)
    }
}
