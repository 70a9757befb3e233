import GameMetricsAudit
import GameMetricsKit
import Logging
import PostgresNIO

/// Appends to retention's audit chain inside the transaction of the action it records, so a
/// record exists exactly when its action committed. Records name objects, days, restores and
/// erasure requests, never a player.
struct RetentionAudit: Sendable {
    /// The actor of what the pass and the erasure participant do.
    static let serviceActor = "retention"
    /// The tenant column of records about no one tenant (a dropped partition, pruned aggregates).
    static let platformTenant = "platform"

    let key: AuditChainKey
    let logger: Logger

    enum Action: String {
        case archived = "retention.archived"
        case erasedRowsDeleted = "retention.erased_rows_deleted"
        case expired = "retention.expired"
        case archiveDeleted = "retention.archive_deleted"
        case partitionDropped = "retention.partition_dropped"
        case aggregatesPruned = "retention.aggregates_pruned"
        case restored = "retention.restored"
        case restoreDeleted = "retention.restore_deleted"
        case restoresPurged = "retention.restores_purged"
        case erased = "retention.erased"
        case policyChanged = "retention.policy_changed"
    }

    func record(
        _ action: Action, tenantID: String, subject: String, actor: String = serviceActor, payload: [String: JSONValue],
        on connection: PostgresConnection
    ) async throws {
        try await AuditLog.append(
            to: .retention, on: connection, tenant: tenantID, actor: actor, action: action.rawValue, subject: subject, payload: .object(payload),
            key: key, logger: logger)
    }
}

extension JSONValue {
    static func int(_ value: Int) -> JSONValue { .number(String(value)) }
}
