import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import Logging
import PostgresNIO

/// `user seed-demo`: applies the migrations and creates what the local platform's demo needs —
/// a platform tenant with a platform-admin client (for the person running the platform; no
/// service gets it) and one client per platform service that calls the user service, with only
/// the roles it needs (ingestion: role `ingestion`, `GM_INGESTION_CLIENT_ID/SECRET`; the
/// analytics API, which records platform admins' queries in the audit log: role `audit-writer`,
/// `GM_ANALYTICS_API_CLIENT_ID/SECRET`), the
/// admin dashboard's public OAuth client (authorization code + PKCE, redirecting to the local
/// admin service), and two demo tenants, each with an operator client, a write key and an admin
/// operator login. Prints `KEY=value` lines for `.gm/demo.env`. Secrets exist only in this
/// output: the database keeps fingerprints and scrypt hashes.
enum DemoSeed {
    /// The `KEY=value` lines to print; `hasher` is a parameter so tests can pass a cheap cost.
    static func run(environment: EnvironmentReader, hasher: PasswordHasher = PasswordHasher(cost: .interactive)) async throws -> String {
        let logger = Logger(label: "seed-demo")
        let mac = try WriteKeyMAC(environment: environment)
        return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(environment: environment), logger: logger) { postgres in
            _ = try await MigrationRunner(client: postgres, migrations: UserMigrations.all, logger: logger, table: UserMigrations.table).migrate()
            let tenants = PostgresTenantRepository(client: postgres, logger: logger)
            let scope = TenantScope(client: postgres, logger: logger)
            let writeKeys = PostgresWriteKeyRepository(scope: scope)
            let operators = PostgresOperatorRepository(scope: scope)
            var lines: [String] = []

            let platform = try await seedTenant(
                "platform", name: "GameMetrics platform services", client: "platform admin", roles: ["platform-admin"], tenants: tenants)
            lines += ["GM_PLATFORM_CLIENT_ID=\(platform.clientID)", "GM_PLATFORM_CLIENT_SECRET=\(platform.secret)"]
            // Each service its own client: revoking one (or the admin's) leaves the others working.
            let ingestion = try await seedTenant(
                "platform", name: "GameMetrics platform services", client: "ingestion service", roles: ["ingestion"], tenants: tenants)
            lines += ["GM_INGESTION_CLIENT_ID=\(ingestion.clientID)", "GM_INGESTION_CLIENT_SECRET=\(ingestion.secret)"]
            let analytics = try await seedTenant(
                "platform", name: "GameMetrics platform services", client: "analytics-api service", roles: ["audit-writer"],
                tenants: tenants)
            lines += ["GM_ANALYTICS_API_CLIENT_ID=\(analytics.clientID)", "GM_ANALYTICS_API_CLIENT_SECRET=\(analytics.secret)"]
            let dashboard = AuthorizationCodeClient(
                clientID: "gm-admin-dashboard", name: "GameMetrics admin dashboard",
                redirectURIs: ["http://127.0.0.1:\(PlatformService.admin.port)/auth/callback"])
            _ = try await PostgresAuthorizationCodeRepository(postgres: postgres, logger: logger).register(dashboard)
            lines.append("GM_DASHBOARD_CLIENT_ID=\(dashboard.clientID)")
            for (id, name, suffix) in [("demo-casino", "Demo Casino", ""), ("demo-sportsbook", "Demo Sportsbook", "_B")] {
                let seeded = try await seedTenant(id, name: name, client: "demo operator", roles: ["operator"], tenants: tenants)
                let key = mac.issue()
                try await writeKeys.create(
                    WriteKey(id: UUID(), name: "demo", hint: String(key.prefix(10)), createdAt: Date(), revokedAt: nil),
                    fingerprint: OpaqueToken.fingerprint(key), tenant: id)
                let email = "admin@\(id).example"
                let password = OpaqueToken.generate(bytes: 12)
                guard
                    try await operators.create(
                        Operator(id: UUID(), tenantID: id, email: email, roles: ["admin", "operator", "viewer"], createdAt: Date()),
                        passwordHash: try await hasher.hash(password))
                else { throw AlreadySeeded(tenant: id) }
                lines += [
                    "GM_TENANT\(suffix)=\(id)", "GM_WRITE_KEY\(suffix)=\(key)",
                    "GM_CLIENT_ID\(suffix)=\(seeded.clientID)", "GM_CLIENT_SECRET\(suffix)=\(seeded.secret)",
                    "GM_OPERATOR_USER\(suffix)=\(email)", "GM_OPERATOR_PASSWORD\(suffix)=\(password)",
                ]
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Passwords are stored only as hashes, so a second seeding cannot print the first one's.
    struct AlreadySeeded: Error, CustomStringConvertible {
        let tenant: String
        var description: String {
            "tenant \(tenant) is already seeded and its operator password cannot be shown again; "
                + "use the credentials from the first run (.gm/seed.env) or start from an empty database (make clean)"
        }
    }

    private static func seedTenant(
        _ id: String, name: String, client clientName: String, roles: [String], tenants: some TenantRepository
    ) async throws -> (clientID: String, secret: String) {
        if try await tenants.tenant(id) == nil {
            _ = try await tenants.createTenant(id: id, name: name, requestsPerSecondLimit: 10_000)
        }
        let secret = OpaqueToken.generate(prefix: "gms_")
        let client = ServiceClient(
            clientID: "gmc_" + OpaqueToken.generate(bytes: 12), tenantID: id, name: clientName,
            roles: roles, createdAt: Date())
        try await tenants.createClient(client, secretFingerprint: OpaqueToken.fingerprint(secret))
        return (client.clientID, secret)
    }
}
