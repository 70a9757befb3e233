import CurlHTTP
import Foundation
import GameMetricsKit
import GameMetricsPeers
import GameMetricsService
import HTTPTypes

/// Looks credentials up in the user service (`POST /v1/write-keys/resolve`,
/// `GET /v1/tenants/{id}`) with a token of this service's own client (role `ingestion`).
struct UserServiceDirectory: CredentialDirectory {
    let baseURL: URL
    let tokens: ServiceTokenProvider
    let http: HTTPClient

    private struct Resolution: Decodable {
        let tenantID: String
        let requestsPerSecondLimit: Int

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case requestsPerSecondLimit = "requests_per_second_limit"
        }
    }

    private struct TenantLimit: Decodable {
        let requestsPerSecondLimit: Int

        enum CodingKeys: String, CodingKey {
            case requestsPerSecondLimit = "requests_per_second_limit"
        }
    }

    func resolveWriteKey(_ key: String) async throws -> TenantCredential? {
        var body: [UInt8] = []
        body.append(contentsOf: #"{"key":"#.utf8)
        body.append(contentsOf: try JSONEncoder().encode(key))
        body.append(UInt8(ascii: "}"))
        guard let resolution = try await call(.post, "v1/write-keys/resolve", body: body, as: Resolution.self) else { return nil }
        return TenantCredential(tenantID: resolution.tenantID, requestsPerSecondLimit: resolution.requestsPerSecondLimit)
    }

    func requestLimit(ofTenant tenantID: String) async throws -> Int? {
        guard let escaped = tenantID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) else { return nil }
        return try await call(.get, "v1/tenants/\(escaped)", body: nil, as: TenantLimit.self)?.requestsPerSecondLimit
    }

    /// The decoded answer, nil on 404; a 401 (our token's key was retired) is retried once with a new token.
    private func call<Answer: Decodable>(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]?, as: Answer.Type) async throws -> Answer? {
        let url = baseURL.appendingPathComponent(path)
        func attempt() async throws -> Answer? {
            var request = HTTPRequest(method: method, url: url, headerFields: [.authorization: "Bearer \(try await tokens.token())"])
            if body != nil { request.headerFields[.contentType] = "application/json" }
            return try await UserServiceCall.json(Answer.self, http: http, request: request, body: body, timeout: .seconds(3), absentOn: [.notFound])
        }
        do {
            return try await attempt()
        } catch UserServiceCallError.unexpectedStatus(.unauthorized, _, _) {
            tokens.invalidate()
            return try await attempt()
        }
    }
}
