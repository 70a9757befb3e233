import Foundation
import GameMetricsHTTP
import GameMetricsKit
import HTTPTypes
import Hummingbird

/// The tenant's dead-letter queue: `GET /v1/dead-letters` lists the notifications that could
/// not be delivered (newest first, `?before=` the previous page's last `dead_at`),
/// `GET /v1/dead-letters/{id}` shows one with every attempt's error, and
/// `POST /v1/dead-letters/{id}/replay` queues it again with the same message id.
struct DeadLetterController {
    let store: DeadLetterStore
    let wakeup: WakeSignal

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/dead-letters", use: list)
        router.get("/v1/dead-letters/:notification_id", use: show)
        router.post("/v1/dead-letters/:notification_id/replay", use: replay)
    }

    struct Letter: ResponseEncodable {
        let notificationID: String
        let messageID: String
        let channel: String
        let destination: String
        let playerID: String?
        let template: String
        let createdAt: Date
        let deadAt: Date
        let outcome: String
        let replays: Int
        let attempts: [AttemptRecord]?

        init(_ letter: DeadLetterStore.DeadLetter, withAttempts: Bool) {
            notificationID = letter.id.uuidString.lowercased()
            messageID = "msg_" + notificationID
            channel = letter.channel
            destination = letter.destination
            playerID = letter.playerID
            template = letter.template
            createdAt = letter.createdAt
            deadAt = letter.deadAt
            outcome = letter.outcome
            replays = letter.replays
            attempts = withAttempts ? letter.attempts : nil
        }

        enum CodingKeys: String, CodingKey {
            case channel, destination, template, outcome, replays, attempts
            case notificationID = "notification_id"
            case messageID = "message_id"
            case playerID = "player_id"
            case createdAt = "created_at"
            case deadAt = "dead_at"
        }
    }

    struct Page: ResponseEncodable {
        let deadLetters: [Letter]
        enum CodingKeys: String, CodingKey { case deadLetters = "dead_letters" }
    }

    struct Replayed: ResponseEncodable {
        let notificationID: String
        let status: String
        enum CodingKeys: String, CodingKey {
            case status
            case notificationID = "notification_id"
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page {
        let identity = try context.requireIdentity(.operator)
        let parameters = request.uri.queryParameters
        guard let limit = Int(parameters.get("limit") ?? "50"), (1...200).contains(limit) else {
            throw APIError.badRequest("limit must be 1 to 200.", code: "invalid_query", details: [FieldError(field: "limit", reason: "out_of_range")])
        }
        var before: Date?
        if let text = parameters.get("before") {
            guard let date = ISO8601DateFormatter.fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text) else {
                throw APIError.badRequest("before must be an RFC 3339 time.", code: "invalid_query", details: [FieldError(field: "before", reason: "invalid")])
            }
            before = date
        }
        let letters = try await store.list(tenantID: identity.tenantID, before: before, limit: limit)
        return Page(deadLetters: letters.map { Letter($0, withAttempts: false) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Letter {
        let identity = try context.requireIdentity(.operator)
        guard let letter = try await store.inspect(tenantID: identity.tenantID, id: try Self.id(context)) else {
            throw APIError.notFound("No such dead letter.")
        }
        return Letter(letter, withAttempts: true)
    }

    @Sendable func replay(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Replayed> {
        let identity = try context.requireIdentity(.operator)
        let id = try Self.id(context)
        guard try await store.replay(tenantID: identity.tenantID, id: id) else {
            throw APIError.notFound("No such dead letter.")
        }
        wakeup.signal()
        return EditedResponse(status: .accepted, response: Replayed(notificationID: id.uuidString.lowercased(), status: "pending"))
    }

    private static func id(_ context: AppRequestContext) throws -> UUID {
        guard let text = context.parameters.get("notification_id"), let id = UUID(uuidString: text) else {
            throw APIError.notFound("No such dead letter.")
        }
        return id
    }
}

extension ISO8601DateFormatter {
    static var fractional: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
