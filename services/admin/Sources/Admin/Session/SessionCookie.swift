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

    static func set(_ id: String) -> String { header(name, id) }

    static let cleared = header(name, "", maxAge: 0)

    /// A `Set-Cookie` value with the console's attributes (Secure, HttpOnly, SameSite=Lax, Path=/);
    /// `maxAge` nil: until the browser closes.
    static func header(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        "\(name)=\(value); Path=/; Secure; HttpOnly; SameSite=Lax" + (maxAge.map { "; Max-Age=\($0)" } ?? "")
    }
}
