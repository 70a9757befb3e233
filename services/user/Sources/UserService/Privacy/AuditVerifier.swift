import Logging
import PostgresNIO

/// Walks the whole audit chain in `seq` order and reports the first row that does not verify.
struct AuditVerifier: Sendable {
    enum Result: Sendable, Equatable {
        /// Every row verified; `lastHash` is the chain's head (genesis when empty).
        case intact(rows: Int, lastHash: String)
        /// The first bad row and why.
        case broken(seq: Int64, reason: String)
    }

    let client: PostgresClient
    let logger: Logger

    func verify() async throws -> Result {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
            let rows = try await connection.query(
                "SELECT \(unescaped: AuditLog.selectColumns) FROM audit_log ORDER BY seq", logger: logger)
            var previous = AuditLog.genesisHash
            var count = 0
            var broken: Result?
            for try await row in rows.decode(AuditLog.Row.self) {
                // Keep draining the stream after a failure: the connection must end the query cleanly.
                guard broken == nil else { continue }
                let (seq, prevHash, hash, _, _, _, _, _, _) = row
                if prevHash != previous {
                    broken = .broken(seq: seq, reason: count == 0
                        ? "prev_hash is not the genesis hash (rows before it were removed)"
                        : "prev_hash does not match the hash of the previous row (a row was removed, inserted or changed)")
                } else if AuditLog.recomputedHash(row) != hash {
                    broken = .broken(seq: seq, reason: "hash does not match the row's content (the row was changed)")
                } else {
                    previous = hash
                    count += 1
                }
            }
            return broken ?? .intact(rows: count, lastHash: previous)
        }
    }
}
