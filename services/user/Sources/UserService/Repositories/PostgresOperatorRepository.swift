import Foundation
import PostgresNIO

struct PostgresOperatorRepository: OperatorRepository {
    let scope: TenantScope

    func create(_ account: Operator, passwordHash: String) async throws -> Bool {
        try await scope.run(tenant: account.tenantID) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO operators (id, tenant_id, email, password_hash, roles, created_at)
                VALUES (\(account.id), \(account.tenantID), \(account.email), \(passwordHash), \(account.roles), \(account.createdAt))
                ON CONFLICT (tenant_id, lower(email)) DO NOTHING
                RETURNING id
                """, logger: scope.logger)
            return try await rows.collect().count == 1
        }
    }

    func operators(of tenantID: String) async throws -> [Operator] {
        try await scope.run(tenant: tenantID) { connection in
            let rows = try await connection.query(
                """
                SELECT id, tenant_id, email, roles, created_at, disabled_at FROM operators ORDER BY created_at, email
                """, logger: scope.logger)
            var result: [Operator] = []
            for try await (id, tenant, email, roles, created, disabled) in rows.decode((UUID, String, String, [String], Date, Date?).self) {
                result.append(Operator(id: id, tenantID: tenant, email: email, roles: roles, createdAt: created, disabledAt: disabled))
            }
            return result
        }
    }

    func credentials(tenant tenantID: String, email: String) async throws -> OperatorCredentials? {
        try await scope.run(tenant: tenantID) { connection in
            let rows = try await connection.query(
                """
                SELECT id, tenant_id, email, roles, created_at, password_hash FROM operators
                WHERE lower(email) = lower(\(email)) AND disabled_at IS NULL
                """, logger: scope.logger)
            for try await (id, tenant, email, roles, created, hash) in rows.decode((UUID, String, String, [String], Date, String).self) {
                return OperatorCredentials(
                    account: Operator(id: id, tenantID: tenant, email: email, roles: roles, createdAt: created, disabledAt: nil),
                    passwordHash: hash)
            }
            return nil
        }
    }

    func activeOperator(_ id: UUID, tenant tenantID: String) async throws -> Operator? {
        try await scope.run(tenant: tenantID) { connection in
            let rows = try await connection.query(
                """
                SELECT id, tenant_id, email, roles, created_at FROM operators WHERE id = \(id) AND disabled_at IS NULL
                """, logger: scope.logger)
            for try await (id, tenant, email, roles, created) in rows.decode((UUID, String, String, [String], Date).self) {
                return Operator(id: id, tenantID: tenant, email: email, roles: roles, createdAt: created, disabledAt: nil)
            }
            return nil
        }
    }

    func updatePasswordHash(_ id: UUID, tenant tenantID: String, passwordHash: String) async throws {
        try await scope.run(tenant: tenantID) { connection in
            try await connection.query(
                "UPDATE operators SET password_hash = \(passwordHash) WHERE id = \(id)", logger: scope.logger)
        }
    }
}
