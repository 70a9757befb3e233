import Foundation
import GameMetricsErasure
import GameMetricsKafka
import GameMetricsKit
import Logging

/// The coordinator's part of erasure: records every participant's `erasure.completed` (itself
/// included) and completes the request once all of its participants confirmed. The user
/// service's `ErasureParticipant` (name `user`, group `user-erasure`) hands it the completions it
/// consumes; recording is idempotent, so a redelivery changes nothing. Once a request has
/// ended it asks the notification service to tell the tenant's operators (``ErasureFinishedNotice``),
/// on every completion it records for an ended request, so a crash before the notice is made
/// good by the redelivery.
struct ErasureCoordinator: Sendable {
    let repository: any ErasureRepository
    let notice: ErasureFinishedNotice
    let logger: Logger

    func record(_ completion: ErasureCompleted) async throws {
        let metadata: Logger.Metadata = [
            "request_id": "\(completion.requestID.uuidString.lowercased())", "tenant_id": "\(completion.tenantID)",
            "service": "\(completion.service)",
        ]
        switch try await repository.record(completion) {
        case .unknownRequest:
            logger.warning("erasure completion for an unknown request ignored", metadata: metadata)
        case .duplicate:
            logger.debug("duplicate erasure completion", metadata: metadata)
        case .recorded(let status):
            logger.info("erasure completion recorded", metadata: metadata.merging(["status": "\(status.rawValue)"]) { $1 })
        }
        guard let request = try await repository.status(completion.requestID, tenant: completion.tenantID), request.status != .pending else { return }
        try await notice.send(tenantID: completion.tenantID, requestID: completion.requestID, status: request.status, completedAt: request.completedAt)
    }
}
