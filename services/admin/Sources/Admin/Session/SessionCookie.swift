import HTTPTypes
import Hummingbird

/// The session cookie: `__Host-` (Secure, Path=/, no Domain: only this origin may set or read
/// it), HttpOnly (no script reads it), SameSite=Lax (sent on the user service's redirect back,
/// never on another site's form post).
enum SessionCookie {
    static let name = "__Host-gm_admin_session"

    static func value(in request: Request) -> String? {
        request.cookies[name]?.value
    }

    static func set(_ id: String) -> String {
        "\(name)=\(id); Path=/; Secure; HttpOnly; SameSite=Lax"
    }

    static let cleared = "\(name)=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"
}
