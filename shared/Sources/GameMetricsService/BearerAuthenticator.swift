import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// Something that turns a presented access token into verified claims.
public protocol AccessTokenVerifier: Sendable {
    func verify(_ token: String) async throws -> AccessTokenClaims
}

/// Verifies `Authorization: Bearer <JWT>` and sets the request's identity. A request without a
/// bearer token (none, or another scheme such as the token endpoint's Basic) passes through with
/// no identity, so routes that need one answer 401; a bad token is a 401 with `WWW-Authenticate`.
public struct BearerAuthenticator<Verifier: AccessTokenVerifier>: RouterMiddleware {
    public typealias Context = AppRequestContext
    private let verifier: Verifier

    public init(verifier: Verifier) {
        self.verifier = verifier
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.prefix(7).lowercased() == "bearer " else {
            return try await next(request, context)
        }
        let claims: AccessTokenClaims
        do {
            claims = try await verifier.verify(String(header.dropFirst(7)))
        } catch {
            throw Self.refusal("The access token is not valid: \(error).")
        }
        var context = context
        context.identity = Identity(
            tenantID: claims.tenantID, subject: claims.subject,
            roles: Set(claims.roles.compactMap(Identity.Role.init(rawValue:))), clientID: claims.clientID)
        return try await next(request, context)
    }

    private static func refusal(_ message: String) -> APIError {
        APIError(
            .unauthorized, code: "invalid_token", message: message,
            headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
    }
}
