import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/tenants` (platform admins create operator brands) and `/v1/clients` (a tenant's admins
/// manage its service clients; a secret is shown once, at creation).
struct TenantController<Tenants: TenantRepository> {
    let tenants: Tenants

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("v1/tenants", use: createTenant)
        router.get("v1/tenants/:tenant_id", use: getTenant)
        router.patch("v1/tenants/:tenant_id", use: updateTenant)
        router.post("v1/clients", use: createClient)
        router.get("v1/clients", use: listClients)
        router.delete("v1/clients/:client_id", use: revokeClient)
    }

    struct NewTenant: Decodable {
        let id: String
        let name: String
        let requestsPerSecondLimit: Int?

        enum CodingKeys: String, CodingKey {
            case id, name
            case requestsPerSecondLimit = "requests_per_second_limit"
        }
    }

    struct TenantChange: Decodable {
        let requestsPerSecondLimit: Int?

        enum CodingKeys: String, CodingKey {
            case requestsPerSecondLimit = "requests_per_second_limit"
        }
    }

    struct NewClient: Decodable {
        let name: String
        let roles: [String]
    }

    struct CreatedClient: ResponseEncodable {
        let client: ServiceClient
        let clientSecret: String

        enum CodingKeys: String, CodingKey {
            case client
            case clientSecret = "client_secret"
        }
    }

    struct ClientList: ResponseEncodable {
        let clients: [ServiceClient]
    }

    @Sendable func createTenant(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Tenant> {
        _ = try context.requireIdentity(.platformAdmin)
        let body = try await request.decode(as: NewTenant.self, context: context)
        var errors: [FieldError] = []
        if body.id.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) == nil {
            errors.append(FieldError(field: "id", reason: "invalid_format"))
        }
        if let problem = InputRules.nameProblem(body.name) { errors.append(FieldError(field: "name", reason: problem)) }
        if let limit = body.requestsPerSecondLimit, limit < 1 { errors.append(FieldError(field: "requests_per_second_limit", reason: "out_of_range")) }
        guard errors.isEmpty else { throw APIError.badRequest("The tenant is not valid.", code: "invalid_tenant", details: errors) }
        guard let tenant = try await tenants.createTenant(id: body.id, name: body.name, requestsPerSecondLimit: body.requestsPerSecondLimit ?? 10_000) else {
            throw APIError(.conflict, code: "tenant_exists", message: "A tenant with this id exists.")
        }
        return EditedResponse(status: .created, response: tenant)
    }

    /// Ingestion's client (it reads the rate limit of a bearer token's tenant), platform admins
    /// and the tenant's own admins may read a tenant; nobody else learns whether it exists.
    @Sendable func getTenant(_ request: Request, context: AppRequestContext) async throws -> Tenant {
        guard let identity = context.identity else { throw APIError.unauthorized() }
        let id = context.parameters.get("tenant_id") ?? ""
        guard identity.has(.ingestion) || (identity.tenantID == id && identity.has(.admin)),
            let tenant = try await tenants.tenant(id)
        else { throw APIError.notFound("No such tenant.") }
        return tenant
    }

    /// Platform admins change a tenant's ingestion rate limit; ingestion picks it up within its cache time.
    @Sendable func updateTenant(_ request: Request, context: AppRequestContext) async throws -> Tenant {
        _ = try context.requireIdentity(.platformAdmin)
        let body = try await request.decode(as: TenantChange.self, context: context)
        guard let limit = body.requestsPerSecondLimit else {
            throw APIError.badRequest(
                "Nothing to change: give requests_per_second_limit.", code: "invalid_tenant",
                details: [FieldError(field: "requests_per_second_limit", reason: "required")])
        }
        guard (1...10_000_000).contains(limit) else {
            throw APIError.badRequest(
                "The limit must be between 1 and 10,000,000 requests per second.", code: "invalid_tenant",
                details: [FieldError(field: "requests_per_second_limit", reason: "out_of_range")])
        }
        guard let tenant = try await tenants.updateTenant(context.parameters.get("tenant_id") ?? "", requestsPerSecondLimit: limit) else {
            throw APIError.notFound("No such tenant.")
        }
        return tenant
    }

    @Sendable func createClient(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CreatedClient> {
        let identity = try context.requireIdentity(.admin)
        let body = try await request.decode(as: NewClient.self, context: context)
        var errors: [FieldError] = []
        if let problem = InputRules.nameProblem(body.name) { errors.append(FieldError(field: "name", reason: problem)) }
        if let problem = InputRules.rolesProblem(body.roles, allowed: Set(Identity.Role.allCases)) {
            errors.append(FieldError(field: "roles", reason: problem))
        }
        guard errors.isEmpty else { throw APIError.badRequest("The client is not valid.", code: "invalid_client", details: errors) }
        // Nobody hands out more than they hold: platform-admin and ingestion clients only from
        // platform admins.
        try InputRules.requireHeld(body.roles, by: identity)
        let secret = OpaqueToken.generate(prefix: "gms_")
        let client = ServiceClient(
            clientID: "gmc_" + OpaqueToken.generate(bytes: 12), tenantID: identity.tenantID, name: body.name,
            roles: body.roles, createdAt: Date())
        try await tenants.createClient(client, secretFingerprint: OpaqueToken.fingerprint(secret))
        return EditedResponse(status: .created, response: CreatedClient(client: client, clientSecret: secret))
    }

    @Sendable func listClients(_ request: Request, context: AppRequestContext) async throws -> ClientList {
        let identity = try context.requireIdentity(.admin)
        return ClientList(clients: try await tenants.clients(of: identity.tenantID))
    }

    @Sendable func revokeClient(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let identity = try context.requireIdentity(.admin)
        let clientID = context.parameters.get("client_id") ?? ""
        guard try await tenants.revokeClient(clientID, tenant: identity.tenantID) else {
            throw APIError.notFound("No such client.")
        }
        return .noContent
    }
}
