import GameMetricsAudit

extension AuditChain {
    /// The user service's audit log: one chain over every tenant (under row-level security, see
    /// migration 8), anchored at `audit-log/head.json` with its digests under `audit-log/digests/`.
    /// The lock key is "gmaudit" in ASCII, as it was before the chain moved to GameMetricsAudit.
    static let user = AuditChain(
        table: "audit_log", lockKey: 0x0067_6d61_7564_6974, metricsLabel: "user", anchorPrefix: "audit-log/")
}
