import Foundation
import GameMetricsAuth
import GameMetricsKit
import Hummingbird

/// `/v1/write-keys`: a tenant's ingestion keys (the key is shown once and stored as a
/// fingerprint), and the resolve call the ingestion service makes for every unknown key.
struct WriteKeyController<Repository: WriteKeyRepository> {
    let repository: Repository
    /// How long ingestion may cache a resolution; revocation is visible within this time.
    static var cacheSeconds: Int { 30 }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("v1/write-keys", use: create)
        router.get("v1/write-keys", use: list)
        router.delete("v1/write-keys/:id", use: revoke)
        router.post("v1/write-keys/resolve", use: resolve)
    }

    struct NewKey: Decodable {
        let name: String
    }

    struct CreatedKey: ResponseEncodable {
        let writeKey: WriteKey
        let key: String

        enum CodingKeys: String, CodingKey {
            case writeKey = "write_key"
            case key
        }
    }

    struct KeyList: ResponseEncodable {
        let writeKeys: [WriteKey]

        enum CodingKeys: String, CodingKey {
            case writeKeys = "write_keys"
        }
    }

    struct ResolveRequest: Decodable {
        let key: String
    }

    struct Resolved: ResponseEncodable {
        let resolution: WriteKeyResolution
        let cacheSeconds: Int

        func encode(to encoder: any Encoder) throws {
            try resolution.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cacheSeconds, forKey: .cacheSeconds)
        }

        enum CodingKeys: String, CodingKey {
            case cacheSeconds = "cache_seconds"
        }
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CreatedKey> {
        let identity = try context.requireIdentity(.admin)
        let body = try await request.decode(as: NewKey.self, context: context)
        if let problem = InputRules.nameProblem(body.name) {
            throw APIError.badRequest("The key needs a name of 1 to 200 characters without control characters.", code: "invalid_write_key",
                                      details: [FieldError(field: "name", reason: problem)])
        }
        let key = OpaqueToken.generate(prefix: "gmk_")
        let writeKey = WriteKey(id: UUID(), name: body.name, hint: String(key.prefix(10)), createdAt: Date(), revokedAt: nil)
        try await repository.create(writeKey, fingerprint: OpaqueToken.fingerprint(key), tenant: identity.tenantID)
        return EditedResponse(status: .created, response: CreatedKey(writeKey: writeKey, key: key))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> KeyList {
        let identity = try context.requireIdentity(.admin)
        return KeyList(writeKeys: try await repository.list(tenant: identity.tenantID))
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let identity = try context.requireIdentity(.admin)
        guard let id = context.parameters.get("id", as: UUID.self),
              try await repository.revoke(id, tenant: identity.tenantID)
        else { throw APIError.notFound("No such active write key.") }
        return .noContent
    }

    /// For ingestion's client (role `ingestion`; platform admins too) only: which tenant does
    /// this key belong to?
    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> Resolved {
        _ = try context.requireIdentity(.ingestion)
        let body = try await request.decode(as: ResolveRequest.self, context: context)
        guard body.key.hasPrefix("gmk_"), body.key.count < 200,
              let resolution = try await repository.resolve(fingerprint: OpaqueToken.fingerprint(body.key))
        else { throw APIError.notFound("Unknown or revoked write key.") }
        return Resolved(resolution: resolution, cacheSeconds: Self.cacheSeconds)
    }
}
