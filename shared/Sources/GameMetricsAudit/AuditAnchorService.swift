import Foundation
import GameMetricsPostgres
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Anchors an audit chain's head outside PostgreSQL every `interval`, as a child task of the
/// service group: reads the latest anchor, verifies what was appended since (the anchored row
/// must still be there, unchanged, and every later row must chain and carry a valid MAC; the
/// first anchor verifies the whole chain), checks the digest the anchor names, and only then
/// writes the current UTC day's digest (``AuditDigest``) and the new head naming it. A head that
/// does not verify is never anchored: the anchor stays where the chain was last known good, the
/// service logs an error and counts `gm_audit_chain_mismatches_total{chain=…}` (the user
/// service's alert is `UserAuditChainMismatch`). Several replicas may run it: a round holds the
/// chain's anchoring lock (``AuditChain/lockKey`` in PostgreSQL's two-`int` key space) and a
/// replica that does not get it skips the round.
///
/// Rows appended after the last anchor are protected by the chain's MAC but not yet against
/// removal: the truncation window is at most `interval` (60 s by default).
public struct AuditAnchorService: Service {
    public let chain: AuditChain
    public let postgres: PostgresClient
    public let keys: AuditKeyring
    public let store: AuditAnchorStore
    public let logger: Logger
    private let lastSuccess: Gauge
    private let failures: Counter
    private let mismatches: Counter

    public init(chain: AuditChain, postgres: PostgresClient, keys: AuditKeyring, store: AuditAnchorStore, logger: Logger) {
        self.chain = chain
        self.postgres = postgres
        self.keys = keys
        self.store = store
        self.logger = logger
        let dimensions = [("chain", chain.metricsLabel)]
        lastSuccess = Gauge(label: "gm_audit_anchor_last_success_timestamp_seconds", dimensions: dimensions)
        failures = Counter(label: "gm_audit_anchor_failures_total", dimensions: dimensions)
        mismatches = Counter(label: "gm_audit_chain_mismatches_total", dimensions: dimensions)
    }

    public enum Outcome: Sendable, Equatable {
        /// The head was anchored (or already was), with the day's digest.
        case anchored(seq: Int64)
        /// The chain is empty: nothing to anchor.
        case empty
        /// The chain or the digest the anchor names does not verify: not anchored.
        case mismatch(seq: Int64, reason: String)
        /// Another replica holds the anchoring lock: this round did nothing.
        case busy
    }

    public func run() async throws {
        // A fresh process has not anchored yet: the staleness alert counts from its start.
        lastSuccess.record(Date().timeIntervalSince1970)
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: store.interval)
                do {
                    _ = try await anchorOnce()
                } catch {
                    failures.increment()
                    logger.warning(
                        "could not anchor the audit log's head; trying again later",
                        metadata: [
                            "chain": "\(chain.metricsLabel)", "anchor": "\(store.location)", "error": "\(String(reflecting: error))",
                        ])
                }
            }
        }
    }

    /// One round, under the chain's anchoring lock: verify since the last anchor, then write the
    /// day's digest and move the anchor to the head.
    public func anchorOnce(now: @Sendable () -> Date = Date.init) async throws -> Outcome {
        let (high, low) = (Int32(truncatingIfNeeded: chain.lockKey >> 32), Int32(truncatingIfNeeded: chain.lockKey))
        return try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            var locked = false
            for try await got in try await connection.query("SELECT pg_try_advisory_xact_lock(\(high), \(low))", logger: logger)
                .decode(Bool.self)
            {
                locked = got
            }
            guard locked else { return .busy }
            return try await anchorHoldingLock(now: now())
        }
    }

    private func anchorHoldingLock(now: Date) async throws -> Outcome {
        let verifier = AuditVerifier(chain: chain, client: postgres, keys: keys, logger: logger)
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
                lastSuccess.record(Date().timeIntervalSince1970)
                return .empty
            }
            let base: AuditDigestBase?
            switch try await latestDigest(named: anchor) {
            case .success(let found): base = found
            case .failure(let problem): return mismatch(seq: anchor?.seq ?? lastSeq, reason: problem.reason)
            }
            // A digest the anchor does not cover (an anchor from before digests, or a round whose
            // anchor write failed) must still pin a row of this chain.
            if let base, base.digest.seq != anchor?.seq {
                guard let pinned = try await verifier.row(atSeq: base.digest.seq), pinned.hash == base.digest.hash else {
                    return mismatch(
                        seq: base.digest.seq,
                        reason: "the row at seq \(base.digest.seq) that \(store.location(of: base.reference.key)) pins is missing or changed")
                }
            }
            let today = max(AuditDigest.day(of: now), base?.digest.day ?? "")
            // A new head, the first digest of a day, or the first digest at all (anchors from before digests).
            if (anchor?.seq ?? 0) < lastSeq || anchor?.digest == nil || base?.digest.day != today {
                let keyID = try await verifier.row(atSeq: lastSeq)?.keyID
                let previous = base.flatMap { $0.digest.day == today ? $0.digest.previous : $0.reference }
                let reference = try await store.write(
                    AuditDigest(day: today, seq: lastSeq, hash: lastHash, keyID: keyID, previous: previous, anchoredAt: now, key: keys.current))
                try await store.write(
                    AuditAnchor(seq: lastSeq, hash: lastHash, keyID: keyID, anchoredAt: now, digest: reference, key: keys.current))
                logger.info(
                    "audit log head anchored",
                    metadata: ["chain": "\(chain.metricsLabel)", "seq": "\(lastSeq)", "anchor": "\(store.location)", "digest": "\(reference.key)"])
            }
            lastSuccess.record(Date().timeIntervalSince1970)
            return .anchored(seq: lastSeq)
        }
    }

    /// The digest the new one follows: the one `anchor` names (which must be there, authentic,
    /// and the very object named — or a newer one of the same day, written by a round whose
    /// anchor write failed), or for an anchor from before digests the newest digest in the bucket.
    private func latestDigest(named anchor: AuditAnchor?) async throws -> Swift.Result<AuditDigestBase?, AuditDigestBase.Problem> {
        let key: String
        if let named = anchor?.digest {
            key = named.key
        } else if let newest = try await store.digestKeys().last(where: { store.day(ofDigestKey: $0) != nil }) {
            key = newest
        } else {
            return .success(nil)
        }
        guard let stored = try await store.digest(at: key) else {
            return .failure(.init(reason: "the digest \(store.location(of: key)) the anchor names is missing (it was deleted)"))
        }
        guard let digest = stored.digest, digest.isAuthentic(under: keys), digest.day == store.day(ofDigestKey: key) else {
            return .failure(.init(reason: "the digest \(store.location(of: key)) is not authentic (it was altered or forged)"))
        }
        if let anchor, let named = anchor.digest, named.sha256 != stored.sha256, digest.seq <= anchor.seq {
            return .failure(.init(reason: "the digest \(store.location(of: key)) is not the object the anchor names (it was replaced)"))
        }
        return .success(AuditDigestBase(digest: digest, reference: stored.reference))
    }

    private func mismatch(seq: Int64, reason: String) -> Outcome {
        mismatches.increment()
        logger.error(
            "the audit log does not verify against its anchor; the anchor is left where it was",
            metadata: [
                "chain": "\(chain.metricsLabel)", "seq": "\(seq)", "reason": "\(reason)", "anchor": "\(store.location)",
            ])
        return .mismatch(seq: seq, reason: reason)
    }
}
