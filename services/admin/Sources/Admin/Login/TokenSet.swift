import Foundation

/// What the user service's token endpoint answers an operator grant with.
struct TokenSet: Decodable, Sendable {
    var accessToken: String
    var refreshToken: String
    var expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case expiresIn = "expires_in"
    }
}
