import Foundation
import GameMetricsHTTP
import Hummingbird
import NIOCore
import Redis

/// What every page handler shares: the signed-in session first (or the login), errors as pages.
struct ConsolePages: Sendable {
    let access: ConsoleAccess
    let renderer: PageRenderer

    /// Runs `body` for the signed-in operator; a missing session redirects to the login, an
    /// expired login too, and a ``ConsolePageError`` becomes its error page.
    func page(_ request: Request, _ body: (SignedIn) async throws -> Response) async throws -> Response {
        let signedIn: SignedIn
        do {
            signedIn = try await access.session(request)
        } catch ConsoleRedirect.login(let returnTo) {
            return Self.login(returnTo: returnTo)
        } catch is RedisError {
            return sessionsUnavailable()
        }
        do {
            return try await body(signedIn)
        } catch let error as ConsolePageError {
            return renderer.page("message", frame: .signedIn(signedIn.session, title: "Not available", current: ""), content: Message(error.message), status: error.status)
        } catch let error as UpstreamError {
            if case .unauthorized = error.kind {
                try? await access.store.delete(id: signedIn.id)
                return Self.login(returnTo: request.uri.path)
            }
            return renderer.page("message", frame: .signedIn(signedIn.session, title: "Not available", current: ""), content: Message(error.message), status: .serviceUnavailable)
        }
    }

    /// Redis does not answer: nobody's session can be read or written.
    func sessionsUnavailable() -> Response {
        renderer.page(
            "login-failed", frame: .signedOut(title: "The console is unavailable"),
            content: Message("The console's session store does not answer, so nobody can sign in or stay signed in right now. Try again in a moment."),
            status: .serviceUnavailable)
    }

    /// What a script's request (JSON, SSE) gets without a session: its page sends the browser to the login.
    static var signedOutJSON: Response {
        Response(status: .unauthorized, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"unauthorized","message":"Not signed in to the console: log in again.","details":[]}}"#)))
    }

    /// To the login, which comes back to `returnTo` (a local path) afterwards.
    static func login(returnTo: String) -> Response {
        let path = LocalPath.checked(returnTo)
        return redirect(to: "/login?return_to=\(path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["/", "-", "_", "."])) ?? "/overview")")
    }

    static func redirect(to location: String) -> Response {
        var headers = PageRenderer.securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}

/// The outcome of one part of a page, so that a part that fails does not take the others with it.
func attempt<Value: Sendable>(_ body: () async throws -> Value) async -> Result<Value, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
