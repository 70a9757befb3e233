import Foundation
import GameMetricsAuth
import GameMetricsKit
import Logging
import PostgresNIO

/// One row of `audit_log`.
struct AuditEntry: Codable, Sendable, Equatable {
    var seq: Int64
    var prevHash: String
    var hash: String
    var actor: String
    var action: String
    var subject: String
    var tenantID: String
    var payload: JSONValue
    var at: Date

    enum CodingKeys: String, CodingKey {
        case seq, hash, actor, action, subject, payload, at
        case prevHash = "prev_hash"
        case tenantID = "tenant_id"
    }
}

/// The append-only, hash-chained audit log: one chain over all tenants, in `seq` order.
///
/// `hash = sha256_hex(prev_hash || canonical(row))`, where `prev_hash` is the previous row's hash
/// (64 zeros for the first row) and `canonical` is every other column, length-prefixed (see
/// ``canonical(seq:tenantID:actor:action:subject:payload:atMicros:)``). Editing, deleting or
/// reordering any row breaks the chain from that row on; ``AuditVerifier`` finds the first break.
enum AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)
    /// Transaction advisory lock serialising appends, so each row chains onto the last committed
    /// one ("gmaudit" in ASCII). A row lock is not possible: the service role has no UPDATE.
    static let lockKey: Int64 = 0x0067_6d61_7564_6974

    static let selectColumns = """
        seq, prev_hash, hash, actor, action, subject, tenant_id, payload::text, \
        (extract(epoch FROM at) * 1000000)::bigint
        """
    typealias Row = (Int64, String, String, String, String, String, String, String, Int64)

    /// Appends a row for the connection's tenant (`gm.tenant_id` must be set, as `TenantScope`
    /// does) inside the caller's transaction; the lock is held until that transaction ends.
    @discardableResult
    static func append(
        on connection: PostgresConnection, tenant: String, actor: String, action: String, subject: String,
        payload: JSONValue, logger: Logger
    ) async throws -> AuditEntry {
        let payloadText = String(decoding: payload.jsonBytes, as: UTF8.self)
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        // The tail is another tenant's row as often as not: read the chain, then narrow again.
        try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
        let prepared = try await connection.query("""
            SELECT nextval(pg_get_serial_sequence('audit_log', 'seq')),
                   (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
                   \(payloadText)::jsonb::text,
                   (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)
            """, logger: logger)
        var values: (Int64, Int64, String, String?)?
        for try await row in prepared.decode((Int64, Int64, String, String?).self) { values = row }
        try await connection.query("SELECT set_config('gm.audit_chain', 'off', true)", logger: logger)
        guard let (seq, atMicros, canonicalPayload, tail) = values else { throw AuditLogError.noTail }
        let prevHash = tail ?? genesisHash
        let hash = hash(
            previous: prevHash,
            canonical: canonical(seq: seq, tenantID: tenant, actor: actor, action: action, subject: subject,
                                 payload: canonicalPayload, atMicros: atMicros))
        try await connection.query("""
            INSERT INTO audit_log (seq, prev_hash, hash, actor, action, subject, tenant_id, payload, at)
            VALUES (\(seq), \(prevHash), \(hash), \(actor), \(action), \(subject), \(tenant), \(canonicalPayload)::jsonb,
                    timestamptz 'epoch' + (\(atMicros)::text || ' microseconds')::interval)
            """, logger: logger)
        return AuditEntry(
            seq: seq, prevHash: prevHash, hash: hash, actor: actor, action: action, subject: subject, tenantID: tenant,
            payload: (try? JSONValue(parsing: Array(canonicalPayload.utf8))) ?? .object([:]),
            at: Date(timeIntervalSince1970: Double(atMicros) / 1_000_000))
    }

    /// The row's content as hashed: each field as `<UTF-8 byte count>:<value>`, concatenated in
    /// this order. The payload is PostgreSQL's `jsonb` text form (keys sorted by jsonb), the time
    /// is integer microseconds since the Unix epoch.
    static func canonical(
        seq: Int64, tenantID: String, actor: String, action: String, subject: String, payload: String, atMicros: Int64
    ) -> String {
        [String(seq), tenantID, actor, action, subject, payload, String(atMicros)]
            .map { "\($0.utf8.count):\($0)" }
            .joined()
    }

    /// Lowercase hex SHA-256 of `previous` followed by `canonical`, as UTF-8.
    static func hash(previous: String, canonical: String) -> String {
        OpaqueToken.fingerprint(previous + canonical)
    }

    /// Decodes rows selected with ``selectColumns``.
    static func entries(_ rows: PostgresRowSequence) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for try await row in rows.decode(Row.self) { entries.append(entry(row)) }
        return entries
    }

    static func entry(_ row: Row) -> AuditEntry {
        let (seq, prevHash, hash, actor, action, subject, tenantID, payload, atMicros) = row
        return AuditEntry(
            seq: seq, prevHash: prevHash, hash: hash, actor: actor, action: action, subject: subject, tenantID: tenantID,
            payload: (try? JSONValue(parsing: Array(payload.utf8))) ?? .string(payload),
            at: Date(timeIntervalSince1970: Double(atMicros) / 1_000_000))
    }

    /// The recomputed hash of a stored row (its own `prev_hash` as the predecessor).
    static func recomputedHash(_ row: Row) -> String {
        let (seq, prevHash, _, actor, action, subject, tenantID, payload, atMicros) = row
        return hash(previous: prevHash, canonical: canonical(
            seq: seq, tenantID: tenantID, actor: actor, action: action, subject: subject, payload: payload, atMicros: atMicros))
    }
}

enum AuditLogError: Error {
    case noTail
}
