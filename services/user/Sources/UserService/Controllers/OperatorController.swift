import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/operators`: a tenant's admins create and list the people who sign in to its dashboard.
/// Passwords are hashed with scrypt (`PasswordHasher`) and never returned.
struct OperatorController: Sendable {
    static let minimumPasswordLength = 12

    let operators: any OperatorRepository
    let hasher: PasswordHasher

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("v1/operators", use: create)
        router.get("v1/operators", use: list)
    }

    struct NewOperator: Decodable {
        let email: String
        let password: String
        let roles: [String]
    }

    struct OperatorList: ResponseEncodable {
        let operators: [Operator]
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Operator> {
        let identity = try context.requireIdentity(.admin)
        let body = try await request.decode(as: NewOperator.self, context: context)
        var errors: [FieldError] = []
        if InputRules.containsControlCharacter(body.email) {
            errors.append(FieldError(field: "email", reason: "invalid_character"))
        } else if !Self.isPlausibleEmail(body.email) {
            errors.append(FieldError(field: "email", reason: "invalid_format"))
        }
        if body.password.count < Self.minimumPasswordLength || body.password.utf8.count > PasswordHasher.maximumPasswordBytes {
            errors.append(FieldError(field: "password", reason: "invalid_length"))
        }
        // People hold the ordered roles only; `ingestion` is a service client's.
        if let problem = InputRules.rolesProblem(body.roles, allowed: Identity.operatorRoles) {
            errors.append(FieldError(field: "roles", reason: problem))
        }
        guard errors.isEmpty else { throw APIError.badRequest("The operator is not valid.", code: "invalid_operator", details: errors) }
        try InputRules.requireHeld(body.roles, by: identity)
        let account = Operator(
            id: UUID(), tenantID: identity.tenantID, email: body.email, roles: body.roles.sorted(),
            createdAt: Date(), disabledAt: nil)
        let hash = try await hasher.hash(body.password)
        guard try await operators.create(account, passwordHash: hash) else {
            throw APIError(.conflict, code: "operator_exists", message: "The tenant has an operator with this email.")
        }
        return EditedResponse(status: .created, response: account)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> OperatorList {
        let identity = try context.requireIdentity(.admin)
        return OperatorList(operators: try await operators.operators(of: identity.tenantID))
    }

    /// One "@" with something on both sides, no whitespace, 3–254 characters.
    static func isPlausibleEmail(_ email: String) -> Bool {
        guard (3...254).contains(email.unicodeScalars.count), !email.contains(where: \.isWhitespace), OAuthResponse.isPrintable(email) else {
            return false
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
    }
}
