import Foundation

/// The claims of the platform's access token (an ES256 JWT issued by the user service).
///
/// JSON uses the registered names (RFC 7519 / RFC 9068) plus `tenant_id` and `roles`; times are
/// NumericDate integers. Dates are truncated to whole seconds on creation so a token's claims
/// compare equal after a round trip.
public struct AccessTokenClaims: Codable, Sendable, Hashable {
    /// `iss`: the user service's issuer URL.
    public var issuer: String
    /// `sub`: the user or service the token speaks for.
    public var subject: String
    /// `aud`: always written as an array; a single string is accepted on decode.
    public var audience: [String]
    /// `exp`
    public var expiresAt: Date
    /// `iat`
    public var issuedAt: Date
    /// `nbf`
    public var notBefore: Date
    /// `jti`: unique per token, for audit logs and revocation lists.
    public var tokenID: String
    /// `tenant_id`: every read path is scoped to it.
    public var tenantID: String
    /// `roles`: "viewer", "operator", "admin", "platform-admin". Kept as strings so a role added
    /// later does not make older services reject the whole token.
    public var roles: [String]
    /// `client_id`: the OAuth client the token was issued to, when there is one.
    public var clientID: String?
    /// `scope`: space-separated OAuth scopes.
    public var scope: String

    /// `notBefore` defaults to `issuedAt`; `tokenID` to 128 random bits.
    public init(
        issuer: String, subject: String, audience: [String], expiresAt: Date, issuedAt: Date,
        notBefore: Date? = nil, tokenID: String = OpaqueToken.generate(bytes: 16), tenantID: String,
        roles: [String], clientID: String? = nil, scope: String
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = Self.wholeSeconds(expiresAt)
        self.issuedAt = Self.wholeSeconds(issuedAt)
        self.notBefore = Self.wholeSeconds(notBefore ?? issuedAt)
        self.tokenID = tokenID
        self.tenantID = tenantID
        self.roles = roles
        self.clientID = clientID
        self.scope = scope
    }

    /// `scope` split into its individual scopes.
    public var scopes: [String] { scope.split(separator: " ").map(String.init) }

    private enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case subject = "sub"
        case audience = "aud"
        case expiresAt = "exp"
        case issuedAt = "iat"
        case notBefore = "nbf"
        case tokenID = "jti"
        case tenantID = "tenant_id"
        case roles
        case clientID = "client_id"
        case scope
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decode(String.self, forKey: .issuer)
        subject = try container.decode(String.self, forKey: .subject)
        if let single = try? container.decode(String.self, forKey: .audience) {
            audience = [single]
        } else {
            audience = try container.decode([String].self, forKey: .audience)
        }
        expiresAt = try Self.decodeNumericDate(container, .expiresAt)
        issuedAt = try Self.decodeNumericDate(container, .issuedAt)
        notBefore = try Self.decodeNumericDate(container, .notBefore)
        tokenID = try container.decode(String.self, forKey: .tokenID)
        tenantID = try container.decode(String.self, forKey: .tenantID)
        roles = try container.decode([String].self, forKey: .roles)
        clientID = try container.decodeIfPresent(String.self, forKey: .clientID)
        scope = try container.decode(String.self, forKey: .scope)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(subject, forKey: .subject)
        try container.encode(audience, forKey: .audience)
        try container.encode(Self.numericDate(expiresAt), forKey: .expiresAt)
        try container.encode(Self.numericDate(issuedAt), forKey: .issuedAt)
        try container.encode(Self.numericDate(notBefore), forKey: .notBefore)
        try container.encode(tokenID, forKey: .tokenID)
        try container.encode(tenantID, forKey: .tenantID)
        try container.encode(roles, forKey: .roles)
        try container.encodeIfPresent(clientID, forKey: .clientID)
        try container.encode(scope, forKey: .scope)
    }

    private static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private static func numericDate(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// NumericDate may legally carry a fraction; it is read as a number, never via the
    /// decoder's date strategy, so the result does not depend on how the decoder is configured.
    private static func decodeNumericDate(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        Date(timeIntervalSince1970: try container.decode(Double.self, forKey: key))
    }
}
