import Foundation

/// Operator accounts; every call runs inside the tenant's row-level-security scope.
protocol OperatorRepository: Sendable {
    /// false when the tenant already has an operator with this email (case-insensitive).
    func create(_ account: Operator, passwordHash: String) async throws -> Bool
    func operators(of tenantID: String) async throws -> [Operator]
    /// The enabled operator with this email in this tenant, with its password hash.
    func credentials(tenant tenantID: String, email: String) async throws -> OperatorCredentials?
    /// The operator, unless disabled or deleted.
    func activeOperator(_ id: UUID, tenant tenantID: String) async throws -> Operator?
    func updatePasswordHash(_ id: UUID, tenant tenantID: String, passwordHash: String) async throws
}
