import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

@testable import UserService

/// The user service on a fresh database, like `UserServiceFixture`, but built with a cheap scrypt
/// cost, and with the admin dashboard registered as a public client and one operator account in
/// tenant-a (roles admin, operator, viewer).
struct OAuthFixture {
    static let dashboard = "admin-dashboard"
    static let redirectURI = "https://admin.example.test/callback"
    static let email = "Ops@Tenant-A.example"
    static let password = "correct horse battery staple"

    let base: UserServiceFixture

    static func run(
        environment extra: [String: String] = [:],
        _ body: @Sendable (OAuthFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await UserServiceFixture.run(environment: extra) { base, client in
            let platform = try await client.accessToken(base.platform)
            let registered = try await client.call(
                .post, "/v1/oauth-clients", token: platform,
                json: #"{"client_id":"\#(dashboard)","name":"Admin dashboard","redirect_uris":["\#(redirectURI)"]}"#)
            #expect(registered.status == .created)
            let admin = try await client.accessToken(base.tenantA)
            let created = try await client.call(
                .post, "/v1/operators", token: admin,
                json: #"{"email":"\#(email)","password":"\#(password)","roles":["admin","operator","viewer"]}"#)
            #expect(created.status == .created)
            try await body(OAuthFixture(base: base), client)
        }
    }

    /// Runs one statement as the service's role and returns how many rows it touched/returned
    /// (wrap an UPDATE as `WITH u AS (UPDATE … RETURNING 1) SELECT count(*) FROM u`).
    func count(_ sql: PostgresQuery) async throws -> Int {
        try await base.count(sql)
    }
}

/// A PKCE verifier and its S256 challenge.
struct PKCEPair {
    let verifier = OpaqueToken.generate(bytes: 48)
    var challenge: String { PKCE.challenge(for: verifier) }
}

extension TestClientProtocol {
    /// A form POST; returns status, headers and the body parsed as a JSON object (empty if none).
    @discardableResult
    func form(
        _ uri: String, _ fields: [(String, String)], headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        for field in extra { headers[field.name] = field.value }
        let body = fields.map { OAuthResponse.queryEscaped($0.0) + "=" + OAuthResponse.queryEscaped($0.1) }.joined(separator: "&")
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            let data = Data(buffer: response.body)
            let json = data.isEmpty ? [:] : (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            return (response.status, response.headers, json)
        }
    }

    /// Signs in at the authorization endpoint; on success returns the code from the redirect.
    func signIn(
        pkce: PKCEPair, state: String = "st-123", tenant: String = "tenant-a", email: String = OAuthFixture.email,
        password: String = OAuthFixture.password, headers: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, code: String?, headers: HTTPFields, body: [String: Any]) {
        let response = try await form(
            "/oauth/authorize",
            [
                ("response_type", "code"), ("client_id", OAuthFixture.dashboard), ("redirect_uri", OAuthFixture.redirectURI),
                ("state", state), ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
                ("tenant", tenant), ("email", email), ("password", password),
            ], headers: headers)
        var code: String?
        if response.status == .found, let location = response.headers[.location],
            let components = URLComponents(string: location)
        {
            code = components.queryItems?.first { $0.name == "code" }?.value
        }
        return (response.status, code, response.headers, response.body)
    }

    func exchange(
        code: String, verifier: String, redirectURI: String = OAuthFixture.redirectURI,
        clientID: String = OAuthFixture.dashboard
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        let response = try await form(
            "/oauth/token",
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                ("client_id", clientID), ("code_verifier", verifier),
            ])
        return (response.status, response.body)
    }

    func refresh(_ token: String, clientID: String = OAuthFixture.dashboard) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        let response = try await form(
            "/oauth/token",
            [
                ("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", clientID),
            ])
        return (response.status, response.body)
    }

    /// Signs in and exchanges the code: the access and refresh tokens.
    func operatorTokens() async throws -> (access: String, refresh: String) {
        let pkce = PKCEPair()
        let signIn = try await signIn(pkce: pkce)
        let code = try #require(signIn.code)
        let tokens = try await exchange(code: code, verifier: pkce.verifier)
        #expect(tokens.status == .ok)
        return (try #require(tokens.body["access_token"] as? String), try #require(tokens.body["refresh_token"] as? String))
    }

    func introspect(_ token: String, as credentials: UserServiceFixture.Credentials) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        let response = try await form("/oauth/introspect", [("token", token)], headers: [.authorization: credentials.basic])
        return (response.status, response.body)
    }
}
