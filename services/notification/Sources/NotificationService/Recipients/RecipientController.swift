import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/recipients/{player_id}`: a player's address and wishes — which templates they do not
/// want, quiet hours in their time zone, whether they unsubscribed. The tenant's operators
/// write them (from the game's own settings page); a player of another tenant does not exist.
struct RecipientController {
    let directory: TenantDirectory

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/recipients/:player_id", use: show)
        router.put("/v1/recipients/:player_id", use: save)
        router.delete("/v1/recipients/:player_id", use: remove)
    }

    struct Body: Decodable {
        var email: String?
        var timeZone: String?
        var quietHours: QuietHoursBody?
        var optedOut: [String]?
        var unsubscribed: Bool?

        struct QuietHoursBody: Decodable {
            var start: String
            var end: String
        }

        enum CodingKeys: String, CodingKey {
            case email, unsubscribed
            case timeZone = "time_zone"
            case quietHours = "quiet_hours"
            case optedOut = "opted_out"
        }
    }

    struct Shown: ResponseEncodable {
        let playerID: String
        let email: String?
        let timeZone: String
        let quietHours: [String: String]?
        let optedOut: [String]
        let unsubscribedAt: Date?

        enum CodingKeys: String, CodingKey {
            case email
            case playerID = "player_id"
            case timeZone = "time_zone"
            case quietHours = "quiet_hours"
            case optedOut = "opted_out"
            case unsubscribedAt = "unsubscribed_at"
        }

        init(playerID: String, _ preferences: RecipientPreferences) {
            self.playerID = playerID
            email = preferences.email
            timeZone = preferences.timeZone
            quietHours = preferences.quietHours.map { ["start": Self.clock($0.startMinute), "end": Self.clock($0.endMinute)] }
            optedOut = preferences.optedOut.map(\.rawValue).sorted()
            unsubscribedAt = preferences.unsubscribedAt
        }

        static func clock(_ minute: Int) -> String {
            let hours = minute / 60
            let minutes = minute % 60
            return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Shown {
        let identity = try context.requireIdentity(.operator)
        let player = try Self.playerID(context)
        guard let preferences = try await directory.recipient(tenantID: identity.tenantID, playerID: player) else {
            throw APIError.notFound("No such recipient.")
        }
        return Shown(playerID: player, preferences)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Shown {
        let identity = try context.requireIdentity(.operator)
        let player = try Self.playerID(context)
        let body = try await JSONBody.decode(Body.self, from: request, context: context)
        var errors: [FieldError] = []
        if let email = body.email, !EmailAddress.isValid(email) { errors.append(FieldError(field: "email", reason: "invalid_address")) }
        let zone = body.timeZone ?? "UTC"
        if TimeZone(identifier: zone) == nil || zone.count > 64 { errors.append(FieldError(field: "time_zone", reason: "unknown_time_zone")) }
        var quiet: QuietHours?
        if let hours = body.quietHours {
            if let start = Self.minute(hours.start), let end = Self.minute(hours.end) {
                quiet = QuietHours(startMinute: start, endMinute: end)
            } else {
                errors.append(FieldError(field: "quiet_hours", reason: "invalid", detail: "start and end as HH:MM"))
            }
        }
        var optedOut: Set<NotificationTemplate> = []
        for name in body.optedOut ?? [] {
            guard let template = NotificationTemplate(rawValue: name), template.audience == .player else {
                errors.append(FieldError(field: "opted_out", reason: "unknown_template", detail: name.count <= 64 ? name : nil))
                continue
            }
            optedOut.insert(template)
        }
        guard errors.isEmpty else { throw APIError.badRequest("The recipient is not valid.", code: "invalid_recipient", details: errors) }
        let previous = try await directory.recipient(tenantID: identity.tenantID, playerID: player)
        let unsubscribedAt: Date? =
            switch body.unsubscribed {
            case true?: previous?.unsubscribedAt ?? Date()
            case false?: nil
            case nil: previous?.unsubscribedAt
            }
        let preferences = RecipientPreferences(email: body.email, timeZone: zone, quietHours: quiet, optedOut: optedOut, unsubscribedAt: unsubscribedAt)
        try await directory.save(preferences, tenantID: identity.tenantID, playerID: player)
        return Shown(playerID: player, preferences)
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let identity = try context.requireIdentity(.operator)
        guard try await directory.removeRecipient(tenantID: identity.tenantID, playerID: try Self.playerID(context)) else {
            throw APIError.notFound("No such recipient.")
        }
        return .noContent
    }

    private static func playerID(_ context: AppRequestContext) throws -> String {
        guard let player = context.parameters.get("player_id"), PlayerIdentifier.validate(player) == nil else {
            throw APIError.notFound("No such recipient.")
        }
        return player
    }

    /// `HH:MM` as minutes of the day.
    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...23).contains(hours), (0...59).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }
}
