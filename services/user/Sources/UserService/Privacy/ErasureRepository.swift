import Foundation
import GameMetricsAudit
import GameMetricsKit

/// Erasure requests, confirmations, the user service's own player data and the audit trail.
/// Every method works inside one tenant; audit rows are appended in the same transaction as the
/// change they describe.
protocol ErasureRepository: Sendable {
    /// Stores a new pending request and audits `erasure.requested`.
    func create(_ request: ErasureRequest) async throws
    /// Marks a request failed because it could not be published; audits `erasure.publish_failed`.
    func markPublishFailed(_ requestID: UUID, tenant: String, reason: String) async throws
    func status(_ requestID: UUID, tenant: String) async throws -> ErasureStatusDocument?
    /// Records a participant's report (idempotent) and completes or fails the request when due.
    func record(_ completion: ErasureCompleted) async throws -> ConfirmationOutcome
    /// The player's erasure requests, oldest first (for the export).
    func requests(forPlayer playerID: String, tenant: String) async throws -> [ErasureStatusDocument]
    /// The audit rows about the player (subject `player:<id>`), in chain order (for the export).
    func auditEntries(forPlayer playerID: String, tenant: String) async throws -> [AuditEntry]
}
