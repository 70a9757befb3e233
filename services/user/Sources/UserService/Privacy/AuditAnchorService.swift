import Foundation
import GameMetricsPostgres
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Anchors the audit chain's head outside PostgreSQL every `interval`, as a child task of the
/// service group: reads the latest anchor, verifies what was appended since (the anchored row
/// must still be there, unchanged, and every later row must chain and carry a valid MAC; the
/// first anchor verifies the whole chain), and only then writes the new head. A head that does
/// not verify is never anchored: the anchor stays where the chain was last known good, the
/// service logs an error and counts `gm_audit_chain_mismatches_total` (alert
/// `UserAuditChainMismatch`). Several replicas may run it; a replica does not move the anchor
/// back to an older head (it re-reads the anchor just before writing).
///
/// Rows appended after the last anchor are protected by the chain's MAC but not yet against
/// removal: the truncation window is at most `interval` (60 s by default).
struct AuditAnchorService: Service {
    static let lastSuccess = Gauge(label: "gm_audit_anchor_last_success_timestamp_seconds")
    static let failures = Counter(label: "gm_audit_anchor_failures_total")
    static let mismatches = Counter(label: "gm_audit_chain_mismatches_total")

    let postgres: PostgresClient
    let keys: AuditKeyring
    let store: AuditAnchorStore
    let logger: Logger

    enum Outcome: Sendable, Equatable {
        /// The head was anchored (or already was).
        case anchored(seq: Int64)
        /// The chain is empty: nothing to anchor.
        case empty
        /// The chain does not verify against the last anchor: not anchored.
        case mismatch(seq: Int64, reason: String)
    }

    func run() async throws {
        // A fresh process has not anchored yet: the staleness alert counts from its start.
        Self.lastSuccess.record(Date().timeIntervalSince1970)
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: store.interval)
                do {
                    _ = try await anchorOnce()
                } catch {
                    Self.failures.increment()
                    logger.warning(
                        "could not anchor the audit log's head; trying again later",
                        metadata: [
                            "anchor": "\(store.location)", "error": "\(String(reflecting: error))",
                        ])
                }
            }
        }
    }

    /// One round: verify since the last anchor, then move it to the head.
    func anchorOnce() async throws -> Outcome {
        let verifier = AuditVerifier(client: postgres, keys: keys, logger: logger)
        let anchor = try await store.latest()
        if let anchor, !anchor.isAuthentic(under: keys) {
            return mismatch(seq: anchor.seq, reason: "the anchor at \(store.location) does not carry a valid MAC")
        }
        let result: AuditVerifier.Result
        if let anchor { result = try await verifier.verify(since: anchor) } else { result = try await verifier.verify() }
        switch result {
        case .broken(let seq, let reason):
            return mismatch(seq: seq, reason: reason)
        case .intact(let rows, let lastSeq, let lastHash):
            guard rows > 0 else {
                Self.lastSuccess.record(Date().timeIntervalSince1970)
                return .empty
            }
            // Re-read just before writing: another replica may have anchored a newer head meanwhile.
            let newest = anchor?.seq == lastSeq ? anchor : try await store.latest()
            if (newest?.seq ?? 0) < lastSeq {
                let keyID = try await keyID(ofSeq: lastSeq)
                try await store.write(AuditAnchor(seq: lastSeq, hash: lastHash, keyID: keyID, anchoredAt: Date(), key: keys.current))
                logger.info("audit log head anchored", metadata: ["seq": "\(lastSeq)", "anchor": "\(store.location)"])
            }
            Self.lastSuccess.record(Date().timeIntervalSince1970)
            return .anchored(seq: lastSeq)
        }
    }

    private func mismatch(seq: Int64, reason: String) -> Outcome {
        Self.mismatches.increment()
        logger.error(
            "the audit log does not verify against its anchor; the anchor is left where it was",
            metadata: [
                "seq": "\(seq)", "reason": "\(reason)", "anchor": "\(store.location)",
            ])
        return .mismatch(seq: seq, reason: reason)
    }

    private func keyID(ofSeq seq: Int64) async throws -> String? {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
            for try await keyID in try await connection.query(
                "SELECT key_id FROM audit_log WHERE seq = \(seq)", logger: logger
            ).decode(String?.self) {
                return keyID
            }
            return nil
        }
    }
}
