import GameMetricsAudit

extension AuditChain {
    /// Retention's trail of every archival, deletion, restore, erasure and policy change: one
    /// chain in `retention_audit_log`, anchored (head and daily digests) under `retention-audit/`
    /// in the audit anchor bucket, with the anchor's own credential. "gmrtaudt" in ASCII.
    static let retention = AuditChain(
        table: "retention_audit_log", lockKey: 0x676D_7274_6175_6474, metricsLabel: "retention", anchorPrefix: "retention-audit/")
}
