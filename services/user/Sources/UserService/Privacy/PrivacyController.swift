import Foundation
import GameMetricsAudit
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import Logging

/// GDPR endpoints of the caller's tenant:
/// - `POST /v1/privacy/erasure` `{"player_id":...}` (admin, like deleting a player) → 202 `{"request_id":...}`;
/// - `GET /v1/privacy/erasure/{request_id}` (operator) → the request's status per service;
/// - `GET /v1/players/{player_id}/export` (operator) → everything the platform holds on the player.
/// A request or player of another tenant does not exist for the caller (404).
struct PrivacyController<Players: PlayerRepository> {
    let erasures: any ErasureRepository
    let players: Players
    let publisher: any ErasurePublisher
    /// The services that must confirm a new request (`ErasureParticipantName.all`).
    let participants: [String]
    let logger: Logger

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group("v1/privacy/erasure")
            .post(use: requestErasure)
            .get(":request_id", use: status)
        router.get("v1/players/:player_id/export", use: export)
    }

    struct ErasureBody: Decodable {
        let playerID: String?

        enum CodingKeys: String, CodingKey {
            case playerID = "player_id"
        }
    }

    struct Accepted: ResponseEncodable {
        @LowercaseUUID var requestID: UUID
        let status: ErasureRequest.Status

        enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case status
        }
    }

    /// A player that has no profile here still gets a request: other services may hold its data.
    @Sendable func requestErasure(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Accepted> {
        // Erasure destroys data in every store, irreversibly: the same role as deleting a player.
        let identity = try context.requireIdentity(.admin)
        let body: ErasureBody
        do {
            body = try await request.decode(as: ErasureBody.self, context: context)
        } catch let error as APIError {
            throw error
        } catch let error as any HTTPResponseError {
            throw APIError.badRequest(
                "The body must be a JSON object with a player_id string: \(error.status.reasonPhrase).",
                code: "invalid_request")
        }
        guard let playerID = body.playerID else {
            throw APIError.badRequest(
                "player_id is required.", code: "invalid_request",
                details: [FieldError(field: "player_id", reason: "required")])
        }
        if let invalid = PlayerIdentifier.validate(playerID) {
            throw APIError.badRequest(
                "player_id must be 1 to 128 characters, without U+0000.", code: "invalid_request",
                details: [invalid])
        }
        let erasure = ErasureRequest(
            requestID: UUID(), tenantID: identity.tenantID, playerID: playerID, requestedBy: identity.subject,
            requestedAt: Date(), participants: participants)
        try await erasures.create(erasure)
        do {
            try await publisher.publish(
                .requested(
                    ErasureRequested(
                        requestID: erasure.requestID, tenantID: erasure.tenantID, playerID: playerID,
                        requestedAt: erasure.requestedAt, requestedBy: erasure.requestedBy)), trace: context.trace)
        } catch {
            logger.error(
                "erasure request not published",
                metadata: [
                    "request_id": "\(erasure.requestID.uuidString.lowercased())", "error": "\(error)",
                ])
            try? await erasures.markPublishFailed(erasure.requestID, tenant: erasure.tenantID, reason: "\(error)")
            throw APIError.serviceUnavailable("The erasure request could not be queued; try again.", retryAfterSeconds: 5)
        }
        return EditedResponse(status: .accepted, response: Accepted(requestID: erasure.requestID, status: .pending))
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> ErasureStatusDocument {
        let identity = try context.requireIdentity(.operator)
        guard let text = context.parameters.get("request_id"), let requestID = UUID(uuidString: text),
            let status = try await erasures.status(requestID, tenant: identity.tenantID)
        else {
            throw APIError.notFound("No such erasure request.")
        }
        return status
    }

    struct Export: ResponseEncodable {
        struct UserService: Encodable {
            let profile: Player?
            let erasureRequests: [ErasureStatusDocument]
            let auditLog: [AuditEntry]

            enum CodingKeys: String, CodingKey {
                case profile
                case erasureRequests = "erasure_requests"
                case auditLog = "audit_log"
            }
        }

        let playerID: String
        let tenantID: String
        let exportedAt: Date
        let coverage: String
        let services: [String: UserService]

        enum CodingKeys: String, CodingKey {
            case coverage, services
            case playerID = "player_id"
            case tenantID = "tenant_id"
            case exportedAt = "exported_at"
        }
    }

    static var exportCoverage: String {
        """
        This export holds the data of the user service: the player's profile, erasure requests and \
        audit records. Other services' data (raw events, aggregates, recommendations, notifications, \
        archives) is not included yet.
        """
    }

    /// 404 only when the user service holds nothing at all on the player.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Export {
        let identity = try context.requireIdentity(.operator)
        guard let playerID = context.parameters.percentDecoded("player_id"), PlayerIdentifier.validate(playerID) == nil else {
            throw APIError.notFound("No such player.")
        }
        let profile = try await players.get(playerID, tenant: identity.tenantID)
        let requests = try await erasures.requests(forPlayer: playerID, tenant: identity.tenantID)
        let audit = try await erasures.auditEntries(forPlayer: playerID, tenant: identity.tenantID)
        guard profile != nil || !requests.isEmpty || !audit.isEmpty else {
            throw APIError.notFound("No data is held on this player.")
        }
        return Export(
            playerID: playerID, tenantID: identity.tenantID, exportedAt: Date(), coverage: Self.exportCoverage,
            services: ["user": .init(profile: profile, erasureRequests: requests, auditLog: audit)])
    }
}
