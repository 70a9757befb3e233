import Foundation
import GameMetricsPostgres
import PostgresNIO

struct PostgresWriteKeyRepository: WriteKeyRepository {
    let scope: TenantScope

    func create(_ key: WriteKey, fingerprint: String, tenant: String) async throws {
        try await scope.run(tenant: tenant) { connection in
            try await connection.query(
                """
                INSERT INTO write_keys (id, tenant_id, name, fingerprint, hint, created_at)
                VALUES (\(key.id), \(tenant), \(key.name), \(fingerprint), \(key.hint), \(key.createdAt))
                """, logger: scope.logger)
        }
    }

    func list(tenant: String) async throws -> [WriteKey] {
        try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                "SELECT id, name, hint, created_at, revoked_at FROM write_keys ORDER BY created_at", logger: scope.logger)
            var keys: [WriteKey] = []
            for try await (id, name, hint, created, revoked) in rows.decode((UUID, String, String, Date, Date?).self) {
                keys.append(WriteKey(id: id, name: name, hint: hint, createdAt: created, revokedAt: revoked))
            }
            return keys
        }
    }

    func revoke(_ id: UUID, tenant: String) async throws -> Bool {
        try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                "UPDATE write_keys SET revoked_at = now() WHERE id = \(id) AND (revoked_at IS NULL OR revoked_at > now()) RETURNING id",
                logger: scope.logger)
            return try await rows.collect().count == 1
        }
    }

    func reissue(
        _ id: UUID, successor: WriteKey, fingerprint: String, revokeAt: Date, tenant: String
    ) async throws -> (successor: WriteKey, replacedRevokedAt: Date)? {
        try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                """
                UPDATE write_keys SET revoked_at = least(coalesce(revoked_at, \(revokeAt)), \(revokeAt))
                WHERE id = \(id) AND (revoked_at IS NULL OR revoked_at > now())
                RETURNING name, revoked_at
                """, logger: scope.logger)
            var replaced: (name: String, revokedAt: Date)?
            for try await (name, revokedAt) in rows.decode((String, Date).self) { replaced = (name, revokedAt) }
            guard let replaced else { return nil }
            var successor = successor
            successor.name = replaced.name
            try await connection.query(
                """
                INSERT INTO write_keys (id, tenant_id, name, fingerprint, hint, created_at)
                VALUES (\(successor.id), \(tenant), \(successor.name), \(fingerprint), \(successor.hint), \(successor.createdAt))
                """, logger: scope.logger)
            return (successor, replaced.revokedAt)
        }
    }

    func resolve(fingerprint: String) async throws -> WriteKeyResolution? {
        // No tenant is known yet: the policy admits exactly the row with this fingerprint.
        try await scope.client.withTransactionEndingWithConnection(logger: scope.logger) { connection in
            try await connection.query("SELECT set_config('gm.resolve_write_key', \(fingerprint), true)", logger: scope.logger)
            let rows = try await connection.query(
                """
                SELECT k.tenant_id, k.id, t.requests_per_second_limit
                FROM write_keys k JOIN tenants t ON t.id = k.tenant_id
                WHERE k.fingerprint = \(fingerprint) AND (k.revoked_at IS NULL OR k.revoked_at > now())
                """, logger: scope.logger)
            for try await (tenant, id, limit) in rows.decode((String, UUID, Int).self) {
                return WriteKeyResolution(tenantID: tenant, keyID: id, requestsPerSecondLimit: limit)
            }
            return nil
        }
    }
}
