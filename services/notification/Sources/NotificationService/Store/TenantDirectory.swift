import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// Tenants' settings and endpoints, and players' addresses and preferences. Every statement
/// names the tenant: one tenant's calls never see another's rows.
struct TenantDirectory: Sendable {
    let client: PostgresClient
    let secrets: SecretBox
    let logger: Logger

    // MARK: Settings

    func settings(tenantID: String) async throws -> TenantSettings {
        let rows = try await client.query(
            """
            SELECT brand_name, brand_color, brand_footer, operator_email, operator_endpoint_id::text, disabled_rules
              FROM notification_settings WHERE tenant_id = \(tenantID)
            """, logger: logger)
        for try await (name, color, footer, email, endpoint, disabled) in rows.decode((String, String, String, String?, String?, [String]).self) {
            return TenantSettings(
                brandName: name, brandColor: color, brandFooter: footer, operatorEmail: email, operatorEndpointID: endpoint,
                disabledRules: Set(disabled.compactMap(NotificationRule.init(rawValue:))))
        }
        return .defaults(tenantID: tenantID)
    }

    func save(_ settings: TenantSettings, tenantID: String) async throws {
        let endpoint = settings.operatorEndpointID.flatMap(UUID.init(uuidString:))
        try await client.query(
            """
            INSERT INTO notification_settings (tenant_id, brand_name, brand_color, brand_footer, operator_email, operator_endpoint_id, disabled_rules)
            VALUES (\(tenantID), \(settings.brandName), \(settings.brandColor), \(settings.brandFooter), \(settings.operatorEmail), \(endpoint),
                    \(settings.disabledRules.map(\.rawValue).sorted()))
            ON CONFLICT (tenant_id) DO UPDATE SET brand_name = excluded.brand_name, brand_color = excluded.brand_color,
                brand_footer = excluded.brand_footer, operator_email = excluded.operator_email,
                operator_endpoint_id = excluded.operator_endpoint_id, disabled_rules = excluded.disabled_rules, updated_at = now()
            """, logger: logger)
    }

    // MARK: Endpoints

    struct Endpoint: Sendable, Equatable {
        var id: UUID
        var kind: Channel
        var url: String
        var description: String
        var createdAt: Date
    }

    /// Stores an endpoint with its secret sealed; the secret is bound to the tenant and id, so
    /// a sealed value copied to another row does not open.
    func addEndpoint(tenantID: String, kind: Channel, url: String, secret: String, description: String) async throws -> Endpoint {
        let id = UUID()
        let sealed = ByteBuffer(bytes: try secrets.seal(secret, context: Self.context(tenantID, id)))
        let rows = try await client.query(
            """
            INSERT INTO notification_endpoints (tenant_id, endpoint_id, kind, url, sealed_secret, description)
            VALUES (\(tenantID), \(id), \(kind.rawValue), \(url), \(sealed), \(description))
            RETURNING created_at
            """, logger: logger)
        var created = Date()
        for try await value in rows.decode(Date.self) { created = value }
        return Endpoint(id: id, kind: kind, url: url, description: description, createdAt: created)
    }

    func endpoints(tenantID: String) async throws -> [Endpoint] {
        let rows = try await client.query(
            """
            SELECT endpoint_id, kind, url, description, created_at FROM notification_endpoints
             WHERE tenant_id = \(tenantID) ORDER BY created_at
            """, logger: logger)
        var endpoints: [Endpoint] = []
        for try await (id, kind, url, description, created) in rows.decode((UUID, String, String, String, Date).self) {
            guard let kind = Channel(rawValue: kind) else { continue }
            endpoints.append(Endpoint(id: id, kind: kind, url: url, description: description, createdAt: created))
        }
        return endpoints
    }

    /// The endpoint and its opened secret (the webhook signing secret, or the Slack URL).
    func endpoint(tenantID: String, id: UUID) async throws -> (endpoint: Endpoint, secret: String)? {
        let rows = try await client.query(
            """
            SELECT kind, url, description, created_at, sealed_secret FROM notification_endpoints
             WHERE tenant_id = \(tenantID) AND endpoint_id = \(id)
            """, logger: logger)
        for try await (kind, url, description, created, sealed) in rows.decode((String, String, String, Date, ByteBuffer).self) {
            guard let kind = Channel(rawValue: kind) else { return nil }
            let secret = try secrets.open(Array(sealed.readableBytesView), context: Self.context(tenantID, id))
            return (Endpoint(id: id, kind: kind, url: url, description: description, createdAt: created), secret)
        }
        return nil
    }

    func removeEndpoint(tenantID: String, id: UUID) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM notification_endpoints WHERE tenant_id = \(tenantID) AND endpoint_id = \(id) RETURNING endpoint_id", logger: logger)
        var removed = false
        for try await _ in rows { removed = true }
        return removed
    }

    private static func context(_ tenantID: String, _ id: UUID) -> String {
        "\(tenantID)\u{0}\(id.uuidString.lowercased())"
    }

    // MARK: Recipients

    func recipient(tenantID: String, playerID: String) async throws -> RecipientPreferences? {
        let rows = try await client.query(
            """
            SELECT email, time_zone, quiet_start_minute, quiet_end_minute, opted_out, unsubscribed_at FROM notification_recipients
             WHERE tenant_id = \(tenantID) AND player_id = \(playerID)
            """, logger: logger)
        for try await (email, zone, start, end, optedOut, unsubscribed) in rows.decode((String?, String, Int?, Int?, [String], Date?).self) {
            let quiet = start.flatMap { start in end.map { QuietHours(startMinute: start, endMinute: $0) } }
            return RecipientPreferences(
                email: email, timeZone: zone, quietHours: quiet, optedOut: Set(optedOut.compactMap(NotificationTemplate.init(rawValue:))),
                unsubscribedAt: unsubscribed)
        }
        return nil
    }

    func save(_ preferences: RecipientPreferences, tenantID: String, playerID: String) async throws {
        try await client.query(
            """
            INSERT INTO notification_recipients (tenant_id, player_id, email, time_zone, quiet_start_minute, quiet_end_minute, opted_out, unsubscribed_at)
            VALUES (\(tenantID), \(playerID), \(preferences.email), \(preferences.timeZone), \(preferences.quietHours?.startMinute),
                    \(preferences.quietHours?.endMinute), \(preferences.optedOut.map(\.rawValue).sorted()), \(preferences.unsubscribedAt))
            ON CONFLICT (tenant_id, player_id) DO UPDATE SET email = excluded.email, time_zone = excluded.time_zone,
                quiet_start_minute = excluded.quiet_start_minute, quiet_end_minute = excluded.quiet_end_minute,
                opted_out = excluded.opted_out, unsubscribed_at = excluded.unsubscribed_at, updated_at = now()
            """, logger: logger)
    }

    func removeRecipient(tenantID: String, playerID: String) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM notification_recipients WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING player_id", logger: logger)
        var removed = false
        for try await _ in rows { removed = true }
        return removed
    }

    /// Records the player's unsubscribe (the List-Unsubscribe link); true when the player exists.
    func unsubscribe(tenantID: String, playerID: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE notification_recipients SET unsubscribed_at = coalesce(unsubscribed_at, now()), updated_at = now()
             WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING player_id
            """, logger: logger)
        var found = false
        for try await _ in rows { found = true }
        return found
    }

    // MARK: Erasure

    /// Deletes everything about the player in the erasure's transaction: address and
    /// preferences, every notification (delivered, pending or dead) with its attempts.
    static func erase(tenantID: String, playerID: String, on connection: PostgresConnection, logger: Logger) async throws -> [String: Int] {
        let recipients = try await connection.answeredStatement(
            "DELETE FROM notification_recipients WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1", logger: logger)
        let notifications = try await connection.answeredStatement(
            "DELETE FROM notifications WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING status", logger: logger)
        var dead = 0
        for row in notifications where (try? row.decode(String.self)) == "dead" { dead += 1 }
        return ["recipients": recipients.count, "notifications": notifications.count, "dead_letters": dead]
    }
}
