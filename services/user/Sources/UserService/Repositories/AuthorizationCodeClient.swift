import Foundation
import Hummingbird

/// A public OAuth client allowed to use the authorization-code grant (the admin dashboard). It
/// has no secret: PKCE with S256 is mandatory, and redirects go only to registered URIs.
struct AuthorizationCodeClient: Codable, Sendable, Equatable, ResponseEncodable {
    var clientID: String
    var name: String
    var redirectURIs: [String]

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case name
        case redirectURIs = "redirect_uris"
    }
}
