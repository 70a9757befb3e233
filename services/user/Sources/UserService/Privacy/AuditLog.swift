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
/// `hash = hmac_sha256_hex(key, prev_hash || canonical(row))`, where `key` is the
/// ``AuditChainKey`` whose id the row stores in `key_id`, `prev_hash` is the previous row's hash
/// (64 zeros for the first row) and `canonical` is every other column, length-prefixed (see
/// ``canonical(seq:tenantID:actor:action:subject:payload:atMicros:)``). Rows written before the
/// chain was keyed have no `key_id` and `hash = sha256_hex(prev_hash || canonical(row))`; no
/// unkeyed row may follow a keyed one. Editing, deleting or reordering any row breaks the chain
/// from that row on, and without the key nobody can compute a replacement; ``AuditVerifier``
/// finds the first break, and the head anchored in S3 (``AuditAnchorService``) shows truncation.
enum AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)
    /// Transaction advisory lock serialising appends, so each row chains onto the last committed
    /// one ("gmaudit" in ASCII). A row lock is not possible: the service role has no UPDATE.
    static let lockKey: Int64 = 0x0067_6d61_7564_6974

    static let selectColumns = """
        seq, prev_hash, hash, actor, action, subject, tenant_id, payload::text, \
        (extract(epoch FROM at) * 1000000)::bigint, key_id
        """
    typealias Row = (Int64, String, String, String, String, String, String, String, Int64, String?)

    /// Appends a row for the connection's tenant (`gm.tenant_id` must be set, as `TenantScope`
    /// does) inside the caller's transaction; the lock is held until that transaction ends.
    @discardableResult
    static func append(
        on connection: PostgresConnection, tenant: String, actor: String, action: String, subject: String,
        payload: JSONValue, key: AuditChainKey, logger: Logger
    ) async throws -> AuditEntry {
        let payloadText = String(decoding: payload.jsonBytes, as: UTF8.self)
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        // The tail is another tenant's row as often as not: read the chain, then narrow again.
        try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
        let prepared = try await connection.query(
            """
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
        let hash = key.mac(
            prevHash
                + canonical(
                    seq: seq, tenantID: tenant, actor: actor, action: action, subject: subject, payload: canonicalPayload, atMicros: atMicros))
        try await connection.query(
            """
            INSERT INTO audit_log (seq, prev_hash, hash, actor, action, subject, tenant_id, payload, at, key_id)
            VALUES (\(seq), \(prevHash), \(hash), \(actor), \(action), \(subject), \(tenant), \(canonicalPayload)::jsonb,
                    timestamptz 'epoch' + (\(atMicros)::text || ' microseconds')::interval, \(key.id))
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

    /// The unkeyed rule of rows written before the chain was keyed: lowercase hex SHA-256 of
    /// `previous` followed by `canonical`, as UTF-8.
    static func legacyHash(previous: String, canonical: String) -> String {
        OpaqueToken.fingerprint(previous + canonical)
    }

    /// Decodes rows selected with ``selectColumns``.
    static func entries(_ rows: PostgresRowSequence) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for try await row in rows.decode(Row.self) { entries.append(entry(row)) }
        return entries
    }

    static func entry(_ row: Row) -> AuditEntry {
        let (seq, prevHash, hash, actor, action, subject, tenantID, payload, atMicros, _) = row
        return AuditEntry(
            seq: seq, prevHash: prevHash, hash: hash, actor: actor, action: action, subject: subject, tenantID: tenantID,
            payload: (try? JSONValue(parsing: Array(payload.utf8))) ?? .string(payload),
            at: Date(timeIntervalSince1970: Double(atMicros) / 1_000_000))
    }

    /// The stored row's hash as it should be (its own `prev_hash` as the predecessor): keyed
    /// with the key its `key_id` names, or unkeyed for a row without one. nil when the row names
    /// a key the keyring does not hold.
    static func recomputedHash(_ row: Row, keys: AuditKeyring) -> String? {
        let (seq, prevHash, _, actor, action, subject, tenantID, payload, atMicros, keyID) = row
        let text = canonical(
            seq: seq, tenantID: tenantID, actor: actor, action: action, subject: subject, payload: payload, atMicros: atMicros)
        guard let keyID else { return legacyHash(previous: prevHash, canonical: text) }
        return keys.key(id: keyID)?.mac(prevHash + text)
    }
}

enum AuditLogError: Error {
    case noTail
}
