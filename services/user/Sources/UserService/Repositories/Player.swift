import Foundation
import GameMetricsKit
import Hummingbird

/// A player's profile, keyed by the `player_id` the game puts in its events.
struct Player: Codable, Sendable, Equatable, ResponseEncodable {
    var playerID: String
    var displayName: String?
    var email: String?
    var country: String?
    var attributes: JSONValue
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case playerID = "player_id"
        case displayName = "display_name"
        case email, country, attributes
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// The editable fields; `nil` leaves a field as it is on update.
struct PlayerFields: Codable, Sendable, Equatable {
    var displayName: String?
    var email: String?
    var country: String?
    var attributes: JSONValue?

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case email, country, attributes
    }

    /// Every rule a profile field must meet, each failure naming the field.
    func validationErrors() -> [FieldError] {
        var errors: [FieldError] = []
        if let displayName, displayName.unicodeScalars.count > 100 || displayName.isEmpty {
            errors.append(FieldError(field: "display_name", reason: displayName.isEmpty ? "too_short" : "too_long"))
        }
        if let email {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            if email.unicodeScalars.count > 254 || parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".") {
                errors.append(FieldError(field: "email", reason: "invalid_email"))
            }
        }
        if let country, !(country.count == 2 && country.allSatisfy { $0.isASCII && $0.isUppercase }) {
            errors.append(FieldError(field: "country", reason: "invalid_country"))
        }
        if let attributes {
            if case .object = attributes {
                if attributes.jsonBytes.count > 8192 { errors.append(FieldError(field: "attributes", reason: "too_large")) }
            } else {
                errors.append(FieldError(field: "attributes", reason: "invalid_type"))
            }
        }
        return errors
    }
}

struct NewPlayer: Codable, Sendable {
    var playerID: String
    var fields: PlayerFields

    enum CodingKeys: String, CodingKey {
        case playerID = "player_id"
    }

    init(playerID: String, fields: PlayerFields) {
        self.playerID = playerID
        self.fields = fields
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        playerID = try container.decode(String.self, forKey: .playerID)
        fields = try PlayerFields(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(playerID, forKey: .playerID)
        try fields.encode(to: encoder)
    }

    func validationErrors() -> [FieldError] {
        (PlayerIdentifier.validate(playerID).map { [$0] } ?? []) + fields.validationErrors()
    }
}

/// How players are listed: by player_id prefix, or by display-name prefix (case-insensitive).
struct PlayerQuery: Sendable {
    var playerIDPrefix: String?
    var displayNamePrefix: String?
    var limit: Int
}
