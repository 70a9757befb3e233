import CurlHTTP
import Foundation
import HTTPTypes
import Hummingbird

/// The console's side of the user service's OAuth endpoints, as the public client
/// `clientID`: redeem a login's code (with its PKCE verifier), rotate a refresh token, revoke one.
struct OperatorTokens: Sendable {
    let http: HTTPClient
    let userServiceURL: URL
    let clientID: String
    let redirectURI: String

    func redeem(code: String, verifier: String, trace: String?) async throws -> TokenSet {
        try await grant(
            ["grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI, "client_id": clientID, "code_verifier": verifier],
            trace: trace)
    }

    func refresh(_ refreshToken: String) async throws -> TokenSet {
        try await grant(["grant_type": "refresh_token", "refresh_token": refreshToken, "client_id": clientID])
    }

    /// Revokes `refreshToken` and its whole family (the login). RFC 7009: unknown tokens answer 200 too.
    func revoke(_ refreshToken: String, trace: String? = nil) async throws {
        let (status, body) = try await post(
            "oauth/revoke", ["token": refreshToken, "token_type_hint": "refresh_token", "client_id": clientID], trace: trace)
        guard status == 200 else { throw Self.error(status: status, body: body) }
    }

    private func grant(_ fields: [String: String], trace: String? = nil) async throws -> TokenSet {
        let (status, body) = try await post("oauth/token", fields, trace: trace)
        guard status == 200 else { throw Self.error(status: status, body: body) }
        guard let tokens = try? JSONDecoder().decode(TokenSet.self, from: Data(body)) else {
            throw TokenEndpointError.unavailable("the token endpoint's answer is not a token set")
        }
        return tokens
    }

    private func post(_ path: String, _ fields: [String: String], trace: String?) async throws -> (Int, [UInt8]) {
        var request = HTTPRequest(method: .post, url: userServiceURL.appendingPathComponent(path))
        if let trace, let name = HTTPField.Name("traceparent") { request.headerFields[name] = trace }
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        request.headerFields[.accept] = "application/json"
        do {
            let (response, body) = try await http.execute(request, body: Array(try URLEncodedFormEncoder().encode(fields).utf8), timeout: .seconds(10))
            return (response.status.code, body)
        } catch let error as HTTPClientError {
            throw TokenEndpointError.unavailable("\(error)")
        }
    }

    private static func error(status: Int, body: [UInt8]) -> TokenEndpointError {
        guard (400..<500).contains(status) else { return .unavailable("status \(status)") }
        let code = (try? JSONDecoder().decode([String: String].self, from: Data(body)))?["error"] ?? "unknown"
        return .refused(status: status, error: code)
    }
}
