import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import NIOCore

/// `/v1/unsubscribe?token=...`, the link in every player email. `GET` shows a page with a
/// button (mail scanners follow links; they must not unsubscribe anyone); `POST` unsubscribes —
/// the button, or a mail client's one-click `List-Unsubscribe-Post` (RFC 8058). No login: the
/// signed token is the authority, for that one player.
struct UnsubscribeController {
    let directory: TenantDirectory
    let links: UnsubscribeLinks

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/unsubscribe", use: page)
        router.post("/v1/unsubscribe", use: unsubscribe)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try self.token(request)
        _ = try subject(of: token)
        let escaped = token.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
        return Self.html(
            """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>
            <form method="post" action="/v1/unsubscribe?token=\(escaped)"><p>Stop receiving these emails?</p>
            <button type="submit">Unsubscribe</button></form></body></html>
            """)
    }

    @Sendable func unsubscribe(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, player) = try subject(of: try self.token(request))
        _ = try await directory.unsubscribe(tenantID: tenant, playerID: player)
        // The same answer whether or not the player still exists: the link reveals nothing.
        return Self.html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unsubscribed</title></head><body><p>You will get no more of these emails.</p></body></html>")
    }

    /// 400 for a token no link of ours can hold (none, longer than 1,024 characters).
    private func token(_ request: Request) throws -> String {
        guard let token = request.uri.queryParameters.get("token"), !token.isEmpty, token.utf8.count <= 1_024 else {
            throw APIError.badRequest(
                "The unsubscribe link has no token, or one longer than 1024 characters.", code: "invalid_token",
                details: [FieldError(field: "token", reason: "invalid")])
        }
        return token
    }

    /// 404 for a token this service did not sign: no such link.
    private func subject(of token: String) throws -> (tenantID: String, playerID: String) {
        guard let subject = links.subject(of: token) else { throw APIError.notFound("No such unsubscribe link.") }
        return subject
    }

    private static func html(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
