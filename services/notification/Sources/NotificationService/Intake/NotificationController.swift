import Foundation
import GameMetricsHTTP
import GameMetricsKit
import HTTPTypes
import Hummingbird

/// `POST /v1/notifications`: an operator (or a service with the operator role) asks for a
/// notification of its own tenant. `Idempotency-Key` is required: the same key with the same
/// request answers the first answer again (200), with another request 409.
/// `GET /v1/notifications/{id}`: where one of the tenant's notifications stands, with its attempts.
struct NotificationController {
    let intake: Intake
    let statuses: NotificationStatusReader
    /// A tenant with this many notifications pending gets 429 (``DeliveryPolicy/tenantPendingLimit``).
    let tenantPendingLimit: Int

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/notifications", use: create)
        router.get("/v1/notifications/:notification_id", use: show)
    }

    struct Accepted: ResponseEncodable {
        struct Item: Codable {
            let notificationID: String
            let channel: String
            let status: String
            enum CodingKeys: String, CodingKey {
                case channel, status
                case notificationID = "notification_id"
            }
        }
        let notifications: [Item]
    }

    static let maximumKeyLength = 200

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Accepted> {
        let identity = try context.requireIdentity(.operator)
        let key = try Self.idempotencyKey(request)
        let body = try await JSONBody.decode(NotificationRequest.self, from: request, context: context)
        let validated: ValidatedRequest
        switch body.validated() {
        case .success(let request): validated = request
        case .failure(let invalid): throw APIError.badRequest("The notification is not valid.", code: invalid.code, details: invalid.errors)
        }
        if try await intake.queue.hasPending(tenantID: identity.tenantID, atLeast: tenantPendingLimit) {
            throw APIError(
                .tooManyRequests, code: "tenant_queue_full",
                message: "This tenant has \(tenantPendingLimit) notifications waiting; try again when they are delivered.",
                headers: [.retryAfter: "60"])
        }
        let queued = try await intake.submit(
            validated, tenantID: identity.tenantID, key: key, source: "api", traceparent: context.trace.description)
        var items: [Accepted.Item] = []
        var created = false
        for entry in queued {
            switch entry.result {
            case .created(let id, let status):
                created = true
                items.append(.init(notificationID: id.uuidString.lowercased(), channel: entry.channel.rawValue, status: status))
            case .repeated(let id, let status):
                items.append(.init(notificationID: id.uuidString.lowercased(), channel: entry.channel.rawValue, status: status))
            case .conflict:
                throw APIError(
                    .conflict, code: "idempotency_key_reused", message: "This Idempotency-Key was used for a different request.")
            }
        }
        return EditedResponse(status: created ? .accepted : .ok, response: Accepted(notifications: items))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> NotificationStatus {
        let identity = try context.requireIdentity(.viewer)
        guard let text = context.parameters.get("notification_id"), let id = UUID(uuidString: text) else {
            throw APIError.notFound("No such notification.")
        }
        guard let status = try await statuses.status(tenantID: identity.tenantID, id: id) else {
            throw APIError.notFound("No such notification.")
        }
        return status
    }

    /// 1–200 visible ASCII characters.
    static func idempotencyKey(_ request: Request) throws -> String {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else {
            throw APIError.badRequest(
                "Send an Idempotency-Key header: a repeated request with the same key is answered, not queued again.",
                code: "missing_idempotency_key", details: [FieldError(field: "Idempotency-Key", reason: "missing")])
        }
        guard (1...maximumKeyLength).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw APIError.badRequest(
                "The Idempotency-Key must be 1 to \(maximumKeyLength) visible ASCII characters.", code: "invalid_idempotency_key",
                details: [FieldError(field: "Idempotency-Key", reason: "invalid")])
        }
        return key
    }
}
