import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Hummingbird

/// `/v1/write-keys`: a tenant's ingestion keys (the key is shown once and stored as a
/// fingerprint; it carries a MAC under the secret shared with ingestion), their reissue (the
/// migration of keys made before MACs, and rotation of the MAC secret), and the resolve call the
/// ingestion service makes for keys it has no answer for.
struct WriteKeyController<Repository: WriteKeyRepository> {
    let repository: Repository
    /// Read on every issue: a rotated secret applies from the next key.
    let mac: ReloadingSecret<WriteKeyMAC>
    /// How long ingestion may cache a resolution; revocation is visible within this time.
    static var cacheSeconds: Int { 30 }
    /// The longest a reissued key keeps working beside its successor.
    static var maxGraceSeconds: Int { 30 * 86_400 }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("v1/write-keys", use: create)
        router.get("v1/write-keys", use: list)
        router.delete("v1/write-keys/:id", use: revoke)
        router.post("v1/write-keys/:id/reissue", use: reissue)
        router.post("v1/write-keys/resolve", use: resolve)
    }

    struct ReissueRequest: Decodable {
        let graceSeconds: Int?

        enum CodingKeys: String, CodingKey {
            case graceSeconds = "grace_seconds"
        }
    }

    struct ReissuedKey: ResponseEncodable {
        let writeKey: WriteKey
        let key: String
        let replaces: UUID
        let replacedKeyRevokedAt: Date

        enum CodingKeys: String, CodingKey {
            case writeKey = "write_key"
            case key, replaces
            case replacedKeyRevokedAt = "replaced_key_revoked_at"
        }
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
            throw APIError.badRequest(
                "The key needs a name of 1 to 200 characters without control characters.", code: "invalid_write_key",
                details: [FieldError(field: "name", reason: problem)])
        }
        let key = mac.current.issue()
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

    /// A new key (MAC'd under the current secret, same name) for the active key `id`, which stays
    /// valid for `grace_seconds` (0 to 30 days, default 0: revoked at once) so clients can switch.
    @Sendable func reissue(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ReissuedKey> {
        let identity = try context.requireIdentity(.admin)
        guard let id = context.parameters.get("id", as: UUID.self) else { throw APIError.notFound("No such active write key.") }
        var request = request
        // The body is optional: an empty one means the defaults.
        let body =
            try await request.collectBody(upTo: 4096).readableBytes == 0
            ? ReissueRequest(graceSeconds: nil) : try await request.decode(as: ReissueRequest.self, context: context)
        let grace = body.graceSeconds ?? 0
        guard (0...Self.maxGraceSeconds).contains(grace) else {
            throw APIError.badRequest(
                "grace_seconds must be between 0 and \(Self.maxGraceSeconds).", code: "invalid_write_key",
                details: [FieldError(field: "grace_seconds", reason: "out_of_range")])
        }
        let key = mac.current.issue()
        let revokeAt = Date().addingTimeInterval(TimeInterval(grace))
        let successor = WriteKey(id: UUID(), name: "", hint: String(key.prefix(10)), createdAt: Date(), revokedAt: nil)
        guard
            let reissued = try await repository.reissue(
                id, successor: successor, fingerprint: OpaqueToken.fingerprint(key), revokeAt: revokeAt, tenant: identity.tenantID)
        else { throw APIError.notFound("No such active write key.") }
        return EditedResponse(
            status: .created,
            response: ReissuedKey(
                writeKey: reissued.successor, key: key, replaces: id, replacedKeyRevokedAt: reissued.replacedRevokedAt))
    }

    /// For ingestion's client (role `ingestion`; platform admins too) only: which tenant does
    /// this key belong to? A key in the MAC'd shape whose MAC does not verify is refused without
    /// touching the database.
    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> Resolved {
        _ = try context.requireIdentity(.ingestion)
        let body = try await request.decode(as: ResolveRequest.self, context: context)
        let verdict = mac.current.verify(body.key)
        guard verdict == .authentic || verdict == .legacy,
            let resolution = try await repository.resolve(fingerprint: OpaqueToken.fingerprint(body.key))
        else { throw APIError.notFound("Unknown or revoked write key.") }
        return Resolved(resolution: resolution, cacheSeconds: Self.cacheSeconds)
    }
}
