import Foundation
import Logging
import PostgresNIO

struct PostgresTenantRepository: TenantRepository {
    let client: PostgresClient
    let logger: Logger

    func createTenant(id: String, name: String, requestsPerSecondLimit: Int) async throws -> Tenant? {
        let rows = try await client.query(
            """
            INSERT INTO tenants (id, name, requests_per_second_limit) VALUES (\(id), \(name), \(requestsPerSecondLimit))
            ON CONFLICT (id) DO NOTHING
            RETURNING id, name, requests_per_second_limit, created_at
            """, logger: logger)
        for try await (id, name, limit, created) in rows.decode((String, String, Int, Date).self) {
            return Tenant(id: id, name: name, requestsPerSecondLimit: limit, createdAt: created)
        }
        return nil
    }

    func tenant(_ id: String) async throws -> Tenant? {
        let rows = try await client.query(
            "SELECT id, name, requests_per_second_limit, created_at FROM tenants WHERE id = \(id)", logger: logger)
        for try await (id, name, limit, created) in rows.decode((String, String, Int, Date).self) {
            return Tenant(id: id, name: name, requestsPerSecondLimit: limit, createdAt: created)
        }
        return nil
    }

    func updateTenant(_ id: String, requestsPerSecondLimit: Int) async throws -> Tenant? {
        let rows = try await client.query(
            """
            UPDATE tenants SET requests_per_second_limit = \(requestsPerSecondLimit) WHERE id = \(id)
            RETURNING id, name, requests_per_second_limit, created_at
            """, logger: logger)
        for try await (id, name, limit, created) in rows.decode((String, String, Int, Date).self) {
            return Tenant(id: id, name: name, requestsPerSecondLimit: limit, createdAt: created)
        }
        return nil
    }

    func createClient(_ serviceClient: ServiceClient, secretFingerprint: String) async throws {
        try await client.query(
            """
            INSERT INTO service_clients (client_id, tenant_id, name, secret_hash, roles, created_at)
            VALUES (\(serviceClient.clientID), \(serviceClient.tenantID), \(serviceClient.name), \(secretFingerprint),
                    \(serviceClient.roles), \(serviceClient.createdAt))
            """, logger: logger)
    }

    func activeClient(_ clientID: String, secretFingerprint: String) async throws -> ServiceClient? {
        let rows = try await client.query(
            """
            SELECT client_id, tenant_id, name, roles, created_at FROM service_clients
            WHERE client_id = \(clientID) AND secret_hash = \(secretFingerprint) AND revoked_at IS NULL
            """, logger: logger)
        return try await Self.clients(rows).first
    }

    func clients(of tenantID: String) async throws -> [ServiceClient] {
        let rows = try await client.query(
            """
            SELECT client_id, tenant_id, name, roles, created_at FROM service_clients
            WHERE tenant_id = \(tenantID) AND revoked_at IS NULL ORDER BY created_at
            """, logger: logger)
        return try await Self.clients(rows)
    }

    func revokeClient(_ clientID: String, tenant tenantID: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE service_clients SET revoked_at = now()
            WHERE client_id = \(clientID) AND tenant_id = \(tenantID) AND revoked_at IS NULL
            RETURNING client_id
            """, logger: logger)
        return try await rows.collect().count == 1
    }

    private static func clients(_ rows: PostgresRowSequence) async throws -> [ServiceClient] {
        var clients: [ServiceClient] = []
        for try await (id, tenant, name, roles, created) in rows.decode((String, String, String, [String], Date).self) {
            clients.append(ServiceClient(clientID: id, tenantID: tenant, name: name, roles: roles, createdAt: created))
        }
        return clients
    }
}
