import CurlHTTP
import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Synchronization

/// A platform service's own access token from the user service (OAuth2 client credentials),
/// fetched on first use, shared by concurrent callers, and renewed before it expires.
public final class ServiceTokenProvider: Sendable {
    public struct Credentials: Sendable {
        public var clientID: String
        public var clientSecret: String

        public init(clientID: String, clientSecret: String) {
            self.clientID = clientID
            self.clientSecret = clientSecret
        }
    }

    private struct Token: Sendable {
        let value: String
        let renewAt: ContinuousClock.Instant
    }

    private enum State {
        case empty
        case fetching(Task<Token, any Error>)
        case ready(Token)
    }

    private let tokenURL: String
    private let credentials: Credentials
    private let http: HTTPClient
    private let state = Mutex<State>(.empty)

    public init(userServiceURL: URL, credentials: Credentials, http: HTTPClient) {
        self.tokenURL = userServiceURL.appendingPathComponent("oauth/token").absoluteString
        self.credentials = credentials
        self.http = http
    }

    /// A valid bearer token for calls to platform services.
    public func token() async throws -> String {
        let task: Task<Token, any Error> = state.withLock { state in
            switch state {
            case .ready(let token) where ContinuousClock.now < token.renewAt:
                return Task { token }
            case .fetching(let task):
                return task
            default:
                let task = Task { try await self.fetch() }
                state = .fetching(task)
                return task
            }
        }
        do {
            let token = try await task.value
            state.withLock { state in
                if case .fetching = state { state = .ready(token) }
            }
            return token.value
        } catch {
            state.withLock { state in
                if case .fetching = state { state = .empty }
            }
            throw error
        }
    }

    /// Forgets the cached token, e.g. after a peer answered 401 (the key that signed it was retired).
    public func invalidate() {
        state.withLock { $0 = .empty }
    }

    private struct TokenResponse: Decodable {
        let accessToken: String
        let expiresIn: Int

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }
    }

    private func fetch() async throws -> Token {
        let basic = Data("\(credentials.clientID):\(credentials.clientSecret)".utf8).base64EncodedString()
        let response = try await http.execute(HTTPClientRequest(
            method: .post, url: tokenURL,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"],
            body: Array("grant_type=client_credentials".utf8), timeout: .seconds(5)))
        guard response.status == 200 else {
            throw UserServiceCallError.unexpectedStatus(response.status, url: tokenURL, body: response.bodyText)
        }
        let decoded = try JSONDecoder.api.decode(TokenResponse.self, from: Data(response.body))
        // Renew at 80% of the lifetime so no request ever presents a token about to expire.
        let lifetime = Duration.seconds(max(decoded.expiresIn, 10)) * 0.8
        return Token(value: decoded.accessToken, renewAt: .now + lifetime)
    }
}
