import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/endpoints`: where a tenant's webhooks and Slack messages go. A webhook endpoint gets a
/// signing secret (`whsec_...`), shown once in the answer to its creation; a Slack endpoint's
/// URL is itself the credential and is never shown again (only its host).
struct EndpointController {
    let directory: TenantDirectory
    let policy: DestinationPolicy

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/endpoints", use: create)
        router.get("/v1/endpoints", use: list)
        router.delete("/v1/endpoints/:endpoint_id", use: remove)
    }

    struct Body: Decodable {
        var kind: String
        var url: String
        var description: String?
    }

    struct Shown: Codable {
        let endpointID: String
        let kind: String
        let url: String
        let description: String
        let createdAt: Date
        /// Only in the answer to the creation of a webhook endpoint.
        let secret: String?

        enum CodingKeys: String, CodingKey {
            case kind, url, description, secret
            case endpointID = "endpoint_id"
            case createdAt = "created_at"
        }

        init(_ endpoint: TenantDirectory.Endpoint, secret: String? = nil) {
            endpointID = endpoint.id.uuidString.lowercased()
            kind = endpoint.kind.rawValue
            url = endpoint.url
            description = endpoint.description
            createdAt = endpoint.createdAt
            self.secret = secret
        }
    }

    struct Created: ResponseEncodable {
        let endpoint: Shown
        enum CodingKeys: String, CodingKey { case endpoint }
        func encode(to encoder: any Encoder) throws { try endpoint.encode(to: encoder) }
    }

    struct List: ResponseEncodable {
        let endpoints: [Shown]
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Created> {
        let identity = try context.requireIdentity(.admin)
        let body = try await JSONBody.decode(Body.self, from: request, context: context)
        guard let kind = Channel(rawValue: body.kind), kind != .email else {
            throw APIError.badRequest(
                "kind must be webhook or slack.", code: "unknown_channel", details: [FieldError(field: "kind", reason: "unknown_channel")])
        }
        if let refusal = policy.refusal(body.url) {
            throw APIError.badRequest("The URL \(refusal).", code: "invalid_url", details: [FieldError(field: "url", reason: "invalid_url", detail: refusal)])
        }
        let description = body.description ?? ""
        guard description.count <= 200 else {
            throw APIError.badRequest("description is longer than 200 characters.", code: "invalid_request", details: [FieldError(field: "description", reason: "too_long")])
        }
        if kind == .webhook {
            let secret = WebhookSignature.newSecret()
            let endpoint = try await directory.addEndpoint(tenantID: identity.tenantID, kind: kind, url: body.url, secret: secret, description: description)
            return EditedResponse(status: .created, response: Created(endpoint: Shown(endpoint, secret: secret)))
        }
        // A Slack URL is the credential: stored sealed, shown as its origin only.
        let shownURL = URLComponents(string: body.url).map { "\($0.scheme ?? "https")://\($0.host ?? "")/..." } ?? "hidden"
        let endpoint = try await directory.addEndpoint(tenantID: identity.tenantID, kind: kind, url: shownURL, secret: body.url, description: description)
        return EditedResponse(status: .created, response: Created(endpoint: Shown(endpoint)))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> List {
        let identity = try context.requireIdentity(.operator)
        return List(endpoints: try await directory.endpoints(tenantID: identity.tenantID).map { Shown($0) })
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let identity = try context.requireIdentity(.admin)
        guard let text = context.parameters.get("endpoint_id"), let id = UUID(uuidString: text),
            try await directory.removeEndpoint(tenantID: identity.tenantID, id: id)
        else { throw APIError.notFound("No such endpoint.") }
        return .noContent
    }
}
