import CurlHTTP
import Foundation
import GameMetricsKit
import GameMetricsPeers
import GameMetricsService

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
    private func call<Answer: Decodable>(_ method: CurlHTTP.HTTPMethod, _ path: String, body: [UInt8]?, as: Answer.Type) async throws -> Answer? {
        let url = baseURL.appendingPathComponent(path).absoluteString
        for attempt in 1...2 {
            var headers: CurlHTTP.HTTPHeaders = ["Authorization": "Bearer \(try await tokens.token())"]
            if body != nil { headers.add(name: "Content-Type", value: "application/json") }
            let response = try await http.execute(HTTPClientRequest(method: method, url: url, headers: headers, body: body, timeout: .seconds(3)))
            switch response.status {
            case 200:
                guard let answer = try? JSONDecoder.api.decode(Answer.self, from: Data(response.body)) else {
                    throw UserServiceCallError.undecodable(url: url)
                }
                return answer
            case 404:
                return nil
            case 401 where attempt == 1:
                tokens.invalidate()
            default:
                throw UserServiceCallError.unexpectedStatus(response.status, url: url, body: response.bodyText)
            }
        }
        throw UserServiceCallError.unexpectedStatus(401, url: url, body: "")
    }
}
