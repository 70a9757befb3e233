import Crypto
import Foundation
import GameMetricsKit
import Logging
import PostgresNIO

/// An append-only, hash-chained audit log (one ``AuditChain``): one chain over all its rows, in
/// `seq` order.
///
/// `hash = hmac_sha256_hex(key, prev_hash || canonical(row))`, where `key` is the
/// ``AuditChainKey`` whose id the row stores in `key_id`, `prev_hash` is the previous row's hash
/// (64 zeros for the first row) and `canonical` is every other column, length-prefixed (see
/// ``canonical(seq:tenantID:actor:action:subject:payload:atMicros:)``). Rows written before the
/// user service's chain was keyed have no `key_id` and `hash = sha256_hex(prev_hash ||
/// canonical(row))`; no unkeyed row may follow a keyed one. Editing, deleting or reordering any
/// row breaks the chain from that row on, and without the key nobody can compute a replacement;
/// ``AuditVerifier`` finds the first break, and the head and daily digests anchored in S3
/// (``AuditAnchorService``) show truncation and rewritten history.
public enum AuditLog {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Every column, in the order of ``Row``; `payload` as jsonb's text, `at` in microseconds.
    public static let selectColumns = """
        seq, prev_hash, hash, actor, action, subject, tenant_id, payload::text, \
        (extract(epoch FROM at) * 1000000)::bigint, key_id
        """
    public typealias Row = (Int64, String, String, String, String, String, String, String, Int64, String?)

    /// Appends a row to `chain` inside the caller's transaction on `connection`; the chain's
    /// advisory lock is held until that transaction ends. For a chain under row-level security
    /// (the user service's `audit_log`) the transaction must be scoped to `tenant` first (as
    /// `TenantScope` does); an internal chain has none. Reading the tail sets `gm.audit_chain`
    /// for the moment, which the user service's read policy needs and other tables ignore.
    @discardableResult
    public static func append(
        to chain: AuditChain, on connection: PostgresConnection, tenant: String, actor: String, action: String, subject: String,
        payload: JSONValue, key: AuditChainKey, logger: Logger
    ) async throws -> AuditEntry {
        let payloadText = String(decoding: payload.jsonBytes, as: UTF8.self)
        try await connection.query("SELECT pg_advisory_xact_lock(\(chain.lockKey))", logger: logger)
        // The tail is another tenant's row as often as not: read the chain, then narrow again.
        try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: logger)
        let prepared = try await connection.query(
            """
            SELECT nextval(\(chain.sequence)::regclass),
                   (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
                   \(payloadText)::jsonb::text,
                   (SELECT hash FROM \(unescaped: chain.table) ORDER BY seq DESC LIMIT 1)
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
            INSERT INTO \(unescaped: chain.table) (seq, prev_hash, hash, actor, action, subject, tenant_id, payload, at, key_id)
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
    public static func canonical(
        seq: Int64, tenantID: String, actor: String, action: String, subject: String, payload: String, atMicros: Int64
    ) -> String {
        [String(seq), tenantID, actor, action, subject, payload, String(atMicros)]
            .map { "\($0.utf8.count):\($0)" }
            .joined()
    }

    /// The unkeyed rule of rows written before the chain was keyed: lowercase hex SHA-256 of
    /// `previous` followed by `canonical`, as UTF-8.
    public static func legacyHash(previous: String, canonical: String) -> String {
        Hex.lowercase(SHA256.hash(data: Array((previous + canonical).utf8)))
    }

    /// Decodes rows selected with ``selectColumns``.
    public static func entries(_ rows: PostgresRowSequence) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for try await row in rows.decode(Row.self) { entries.append(entry(row)) }
        return entries
    }

    public static func entry(_ row: Row) -> AuditEntry {
        let (seq, prevHash, hash, actor, action, subject, tenantID, payload, atMicros, _) = row
        return AuditEntry(
            seq: seq, prevHash: prevHash, hash: hash, actor: actor, action: action, subject: subject, tenantID: tenantID,
            payload: (try? JSONValue(parsing: Array(payload.utf8))) ?? .string(payload),
            at: Date(timeIntervalSince1970: Double(atMicros) / 1_000_000))
    }

    /// The stored row's hash as it should be (its own `prev_hash` as the predecessor): keyed
    /// with the key its `key_id` names, or unkeyed for a row without one. nil when the row names
    /// a key the keyring does not hold.
    public static func recomputedHash(_ row: Row, keys: AuditKeyring) -> String? {
        let (seq, prevHash, _, actor, action, subject, tenantID, payload, atMicros, keyID) = row
        let text = canonical(
            seq: seq, tenantID: tenantID, actor: actor, action: action, subject: subject, payload: payload, atMicros: atMicros)
        guard let keyID else { return legacyHash(previous: prevHash, canonical: text) }
        return keys.key(id: keyID)?.mac(prevHash + text)
    }
}
