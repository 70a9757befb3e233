import CurlHTTP
import Foundation
import GameMetricsHTTP
import GameMetricsKit
import HTTPTypes

/// A platform service's own access token from the user service (OAuth2 client credentials),
/// held in a `RefreshingValue`: fetched on first use by one caller for all, renewed at 80% of
/// its lifetime, and served while renewal fails until it expires. At most one token request per
/// `minimumInterval`, also when peers keep answering 401.
public final class ServiceTokenProvider: Sendable {
    public struct Credentials: Sendable {
        public var clientID: String
        public var clientSecret: String

        public init(clientID: String, clientSecret: String) {
            self.clientID = clientID
            self.clientSecret = clientSecret
        }
    }

    private let held: RefreshingValue<String>

    public init(userServiceURL: URL, credentials: Credentials, http: HTTPClient, minimumInterval: Duration = .seconds(1)) {
        let basic = Data("\(credentials.clientID):\(credentials.clientSecret)".utf8).base64EncodedString()
        let request = HTTPRequest(
            method: .post, url: userServiceURL.appendingPathComponent("oauth/token"),
            headerFields: [.contentType: "application/x-www-form-urlencoded", .authorization: "Basic \(basic)"])
        held = RefreshingValue(minimumInterval: minimumInterval) {
            let answer = try await UserServiceCall.json(
                TokenResponse.self, http: http, request: request, body: Array("grant_type=client_credentials".utf8))
            // Presented as "Authorization: Bearer": any other kind of token would be refused (RFC 6749 7.1).
            guard answer.tokenType.lowercased() == "bearer" else {
                throw UserServiceCallError.undecodable(url: request.url?.absoluteString ?? "oauth/token")
            }
            let lifetime = Duration.seconds(max(answer.expiresIn, 10))
            // Renewed at 80% of the lifetime so no request presents a token about to expire.
            return (answer.accessToken, .init(freshFor: lifetime * 0.8, usableFor: lifetime))
        }
    }

    /// A valid bearer token for calls to platform services.
    public func token() async throws -> String {
        try await held.value()
    }

    /// Forgets the held token, e.g. after a peer answered 401 (the key that signed it was retired).
    public func invalidate() {
        held.invalidate()
    }

    private struct TokenResponse: Decodable {
        let accessToken: String
        let tokenType: String
        let expiresIn: Int

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
        }
    }
}
