import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO

/// Walks an audit chain in `seq` order, checking every link and MAC, and — given an anchor — that
/// the row at the anchor's `seq` is still the anchored one; reports the first problem.
/// ``verify(anchoredIn:)`` also checks the anchor and the daily digests in S3.
public struct AuditVerifier: Sendable {
    public enum Result: Sendable, Equatable {
        /// Every row verified; `lastSeq`/`lastHash` are the chain's head (0 and genesis when empty).
        case intact(rows: Int, lastSeq: Int64, lastHash: String)
        /// The first bad row (or the anchored one) and why.
        case broken(seq: Int64, reason: String)
    }

    public let chain: AuditChain
    public let client: PostgresClient
    public let keys: AuditKeyring
    public let logger: Logger

    public init(chain: AuditChain, client: PostgresClient, keys: AuditKeyring, logger: Logger) {
        self.chain = chain
        self.client = client
        self.keys = keys
        self.logger = logger
    }

    /// Verifies the whole chain, and against `anchor` when given: the row at its `seq` must
    /// exist with its hash (else the chain was rewritten or rows were removed), and the chain
    /// must not end before it (else the newest rows were removed).
    public func verify(against anchor: AuditAnchor? = nil) async throws -> Result {
        try await walk(against: anchor, collecting: []).result
    }

    /// Verifies only what was appended since `anchor`, starting from the anchored row (which
    /// must still be there with the anchored hash): what ``AuditAnchorService`` checks before it
    /// moves the anchor, so that it never anchors a head that does not chain onto the last one.
    public func verify(since anchor: AuditAnchor) async throws -> Result {
        try await walk(
            rows: "SELECT \(unescaped: AuditLog.selectColumns) FROM \(unescaped: chain.table) WHERE seq >= \(anchor.seq) ORDER BY seq",
            anchor: anchor, startingAtAnchor: true, collecting: []
        ).result
    }

    /// The whole chain against `anchor`, and the hashes of the rows at `seqs` that exist (for
    /// the digests, which pin them).
    func walk(against anchor: AuditAnchor?, collecting seqs: Set<Int64>) async throws -> (result: Result, hashes: [Int64: String]) {
        try await walk(
            rows: "SELECT \(unescaped: AuditLog.selectColumns) FROM \(unescaped: chain.table) ORDER BY seq", anchor: anchor,
            startingAtAnchor: false, collecting: seqs)
    }

    private func walk(
        rows query: PostgresQuery, anchor: AuditAnchor?, startingAtAnchor: Bool, collecting seqs: Set<Int64>
    ) async throws -> (result: Result, hashes: [Int64: String]) {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
            let rows = try await connection.query(query, logger: logger)
            var walk = AuditChainWalk(keys: keys, anchor: anchor, startingAtAnchor: startingAtAnchor)
            var hashes: [Int64: String] = [:]
            for try await row in rows.decode(AuditLog.Row.self) {
                // Keep draining the stream after a failure: the connection must end the query cleanly.
                walk.check(row)
                if seqs.contains(row.0) { hashes[row.0] = row.2 }
            }
            return (walk.finish(), hashes)
        }
    }

    /// The hash and key id of the row at `seq`, or nil when there is no such row.
    func row(atSeq seq: Int64) async throws -> (hash: String, keyID: String?)? {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
            for try await (hash, keyID) in try await connection.query(
                "SELECT hash, key_id FROM \(unescaped: chain.table) WHERE seq = \(seq)", logger: logger
            ).decode((String, String?).self) {
                return (hash, keyID)
            }
            return nil
        }
    }
}
