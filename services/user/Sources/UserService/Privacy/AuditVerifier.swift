import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO

/// Walks the audit chain in `seq` order, checking every link and MAC, and — given an anchor — that
/// the row at the anchor's `seq` is still the anchored one; reports the first problem.
struct AuditVerifier: Sendable {
    enum Result: Sendable, Equatable {
        /// Every row verified; `lastSeq`/`lastHash` are the chain's head (0 and genesis when empty).
        case intact(rows: Int, lastSeq: Int64, lastHash: String)
        /// The first bad row (or the anchored one) and why.
        case broken(seq: Int64, reason: String)
    }

    let client: PostgresClient
    let keys: AuditKeyring
    let logger: Logger

    /// Verifies the whole chain, and against `anchor` when given: the row at its `seq` must
    /// exist with its hash (else the chain was rewritten or rows were removed), and the chain
    /// must not end before it (else the newest rows were removed).
    func verify(against anchor: AuditAnchor? = nil) async throws -> Result {
        try await walk(rows: "SELECT \(unescaped: AuditLog.selectColumns) FROM audit_log ORDER BY seq", anchor: anchor, startingAtAnchor: false)
    }

    /// Verifies only what was appended since `anchor`, starting from the anchored row (which
    /// must still be there with the anchored hash): what ``AuditAnchorService`` checks before it
    /// moves the anchor, so that it never anchors a head that does not chain onto the last one.
    func verify(since anchor: AuditAnchor) async throws -> Result {
        try await walk(
            rows: "SELECT \(unescaped: AuditLog.selectColumns) FROM audit_log WHERE seq >= \(anchor.seq) ORDER BY seq",
            anchor: anchor, startingAtAnchor: true)
    }

    private func walk(rows query: PostgresQuery, anchor: AuditAnchor?, startingAtAnchor: Bool) async throws -> Result {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
            let rows = try await connection.query(query, logger: logger)
            var walk = ChainWalk(keys: keys, anchor: anchor, startingAtAnchor: startingAtAnchor)
            for try await row in rows.decode(AuditLog.Row.self) {
                // Keep draining the stream after a failure: the connection must end the query cleanly.
                walk.check(row)
            }
            return walk.finish()
        }
    }
}

/// The state of one verification pass over the rows in `seq` order.
private struct ChainWalk {
    let keys: AuditKeyring
    let anchor: AuditAnchor?
    let startingAtAnchor: Bool
    var previous = AuditLog.genesisHash
    var lastSeq: Int64 = 0
    var count = 0
    /// A keyed row was seen: from then on every row must be keyed.
    var keyed = false
    var sawAnchor = false
    var broken: AuditVerifier.Result?

    init(keys: AuditKeyring, anchor: AuditAnchor?, startingAtAnchor: Bool) {
        self.keys = keys
        self.anchor = anchor
        self.startingAtAnchor = startingAtAnchor
    }

    mutating func check(_ row: AuditLog.Row) {
        guard broken == nil else { return }
        let (seq, prevHash, hash, _, _, _, _, _, _, keyID) = row
        if startingAtAnchor, let anchor, !sawAnchor {
            // The anchored row itself was verified when it was anchored; it only has to be unchanged.
            sawAnchor = true
            guard seq == anchor.seq, hash == anchor.hash else {
                broken = .broken(seq: anchor.seq, reason: Self.anchorMismatch(anchor, found: seq == anchor.seq ? hash : nil))
                return
            }
            (previous, lastSeq, count, keyed) = (hash, seq, 1, keyID != nil)
            return
        }
        if prevHash != previous {
            broken = .broken(
                seq: seq,
                reason: count == 0 && !startingAtAnchor
                    ? "prev_hash is not the genesis hash (rows before it were removed)"
                    : "prev_hash does not match the hash of the previous row (a row was removed, inserted or changed)")
        } else if keyID == nil, keyed {
            broken = .broken(seq: seq, reason: "an unkeyed row after keyed rows (rows were rewritten by someone without the key)")
        } else if let keyID, keys.key(id: keyID) == nil {
            broken = .broken(seq: seq, reason: "keyed with key \(keyID), which is not configured (GM_AUDIT_HMAC_KEY / _PREVIOUS_KEY)")
        } else if AuditLog.recomputedHash(row, keys: keys) != hash {
            broken = .broken(
                seq: seq,
                reason: keyID == nil
                    ? "hash does not match the row's content (the row was changed)"
                    : "hash does not match the row's content under the chain key (the row was changed)")
        } else if let anchor, seq == anchor.seq, hash != anchor.hash {
            broken = .broken(seq: seq, reason: Self.anchorMismatch(anchor, found: hash))
        } else {
            if let anchor, seq == anchor.seq { sawAnchor = true }
            (previous, lastSeq, keyed) = (hash, seq, keyed || keyID != nil)
            count += 1
        }
    }

    func finish() -> AuditVerifier.Result {
        if let broken { return broken }
        if let anchor, !sawAnchor {
            if anchor.seq > lastSeq {
                return .broken(
                    seq: anchor.seq,
                    reason: "the chain ends at seq \(lastSeq) but the head anchored at "
                        + "\(anchor.anchoredAt) is seq \(anchor.seq): the newest rows were removed")
            }
            return .broken(seq: anchor.seq, reason: Self.anchorMismatch(anchor, found: nil))
        }
        return .intact(rows: count, lastSeq: lastSeq, lastHash: previous)
    }

    static func anchorMismatch(_ anchor: AuditAnchor, found: String?) -> String {
        let at = anchor.anchoredAt
        guard let found else { return "the row anchored at \(at) is missing (rows were removed or renumbered)" }
        return "the row's hash \(found.prefix(12))… is not the one anchored at \(at) (\(anchor.hash.prefix(12))…): the chain was rewritten"
    }
}
