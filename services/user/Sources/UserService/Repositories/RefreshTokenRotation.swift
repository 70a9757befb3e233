/// What presenting a refresh token came to.
enum RefreshTokenRotation: Sendable {
    /// Unknown, expired, revoked, or issued to another client; nothing changed.
    case invalid
    /// The token had already been rotated: its whole family is now revoked.
    case reused
    /// The token is spent and `next` (same family, same expiry) replaces it.
    case rotated(previous: RefreshToken, next: RefreshToken)
}
