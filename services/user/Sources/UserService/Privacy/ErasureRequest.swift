import Foundation
import GameMetricsKit
import Hummingbird

/// One erasure of one player of one tenant, fanned out to the participants named when it was made.
struct ErasureRequest: Sendable, Equatable {
    enum Status: String, Codable, Sendable {
        case pending, completed, failed
    }

    @LowercaseUUID var requestID: UUID
    var tenantID: String
    var playerID: String
    /// The caller's subject (operator or service client), from the access token.
    var requestedBy: String
    var requestedAt: Date
    /// The services that must confirm, as listed (`ErasureParticipantName`) when it was made.
    var participants: [String]
    var status: Status = .pending
    var completedAt: Date?
    var failure: String?
}

/// A participant's report, as recorded from `erasure.completed`.
struct ErasureConfirmation: Sendable, Equatable {
    var service: String
    var status: ErasureCompleted.Outcome
    /// When the service says it finished.
    var finishedAt: Date
    /// When the user service recorded it.
    var recordedAt: Date
    var reason: String?
}

/// `GET /v1/privacy/erasure/{request_id}`.
struct ErasureStatusDocument: Codable, Sendable, Equatable, ResponseEncodable {
    struct Service: Codable, Sendable, Equatable {
        var service: String
        /// pending | completed | failed
        var status: String
        /// Whether the service is one of the request's participants (others may report too).
        var required: Bool
        var completedAt: Date?
        var recordedAt: Date?
        /// From the request to the service's reported finish.
        var durationMS: Int?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case service, status, required, reason
            case completedAt = "completed_at"
            case recordedAt = "recorded_at"
            case durationMS = "duration_ms"
        }
    }

    @LowercaseUUID var requestID: UUID
    var playerID: String
    var status: ErasureRequest.Status
    var requestedAt: Date
    var requestedBy: String
    var completedAt: Date?
    /// From the request to its completion.
    var totalMS: Int?
    var failure: String?
    var services: [Service]

    enum CodingKeys: String, CodingKey {
        case status, failure, services
        case requestID = "request_id"
        case playerID = "player_id"
        case requestedAt = "requested_at"
        case requestedBy = "requested_by"
        case completedAt = "completed_at"
        case totalMS = "total_ms"
    }

    init(request: ErasureRequest, confirmations: [ErasureConfirmation]) {
        requestID = request.requestID
        playerID = request.playerID
        status = request.status
        requestedAt = request.requestedAt
        requestedBy = request.requestedBy
        completedAt = request.completedAt
        totalMS = request.completedAt.map { Self.milliseconds(from: request.requestedAt, to: $0) }
        failure = request.failure
        let byService = Dictionary(confirmations.map { ($0.service, $0) }, uniquingKeysWith: { first, _ in first })
        let others = confirmations.map(\.service).filter { !request.participants.contains($0) }.sorted()
        services = (request.participants + others).map { name in
            guard let confirmation = byService[name] else {
                return Service(service: name, status: "pending", required: true)
            }
            return Service(
                service: name, status: confirmation.status.rawValue, required: request.participants.contains(name),
                completedAt: confirmation.finishedAt, recordedAt: confirmation.recordedAt,
                durationMS: Self.milliseconds(from: request.requestedAt, to: confirmation.finishedAt),
                reason: confirmation.reason)
        }
    }

    private static func milliseconds(from start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) * 1000).rounded()))
    }
}

/// What recording a participant's report did.
enum ConfirmationOutcome: Sendable, Equatable {
    /// Recorded; the request's status is now the one given.
    case recorded(ErasureRequest.Status)
    /// Already recorded (a redelivery, or a failure reported after a success): nothing changed.
    case duplicate
    /// No such request in this tenant.
    case unknownRequest
}
