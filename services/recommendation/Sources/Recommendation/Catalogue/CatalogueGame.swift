import Foundation
import Hummingbird
import GameMetricsKit

/// A game in a tenant's catalogue: what operators say of it (through the API) or only that it
/// was seen in events (`source` `events`, every field but the id empty until an operator fills it).
struct CatalogueGame: Sendable, Equatable, Codable {
    static let volatilities: Set<String> = ["low", "medium", "high"]
    static let maxIDScalars = 128

    var gameID: String
    var name: String?
    var provider: String?
    var category: String?
    var volatility: String?
    /// `YYYY-MM-DD`.
    var releaseDate: String?
    var enabled: Bool
    var source: String = "api"
    var firstSeenAt: Date?
    var updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case gameID = "game_id"
        case name, provider, category, volatility
        case releaseDate = "release_date"
        case enabled, source
        case firstSeenAt = "first_seen_at"
        case updatedAt = "updated_at"
    }

    init(
        gameID: String, name: String? = nil, provider: String? = nil, category: String? = nil, volatility: String? = nil, releaseDate: String? = nil,
        enabled: Bool = true, source: String = "api", firstSeenAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.gameID = gameID
        self.name = name
        self.provider = provider
        self.category = category
        self.volatility = volatility
        self.releaseDate = releaseDate
        self.enabled = enabled
        self.source = source
        self.firstSeenAt = firstSeenAt
        self.updatedAt = updatedAt
    }

    /// What a client may send: everything but `source` and the times; `enabled` defaults to true.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gameID = try container.decodeIfPresent(String.self, forKey: .gameID) ?? ""
        name = try container.decodeIfPresent(String.self, forKey: .name)
        provider = try container.decodeIfPresent(String.self, forKey: .provider)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        volatility = try container.decodeIfPresent(String.self, forKey: .volatility)
        releaseDate = try container.decodeIfPresent(String.self, forKey: .releaseDate)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(gameID, forKey: .gameID)
        try container.encode(name, forKey: .name)
        try container.encode(provider, forKey: .provider)
        try container.encode(category, forKey: .category)
        try container.encode(volatility, forKey: .volatility)
        try container.encode(releaseDate, forKey: .releaseDate)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(firstSeenAt.map(RFC3339Millis.string), forKey: .firstSeenAt)
        try container.encodeIfPresent(updatedAt.map(RFC3339Millis.string), forKey: .updatedAt)
    }

    /// The problems of a game as a client sent it, each naming its field under `prefix`.
    func problems(prefix: String = "") -> [FieldError] {
        var errors: [FieldError] = []
        if let reason = Self.idProblem(gameID) { errors.append(FieldError(field: prefix + "game_id", reason: reason)) }
        for (field, value, limit) in [("name", name, 200), ("provider", provider, 100), ("category", category, 64)] {
            guard let value else { continue }
            if value.isEmpty || value.unicodeScalars.count > limit || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                errors.append(FieldError(field: prefix + field, reason: "invalid", detail: "1 to \(limit) characters, no control characters"))
            }
        }
        if let volatility, !Self.volatilities.contains(volatility) {
            errors.append(FieldError(field: prefix + "volatility", reason: "invalid", detail: "low, medium or high"))
        }
        if let releaseDate, !Self.isReleaseDate(releaseDate) {
            errors.append(FieldError(field: prefix + "release_date", reason: "invalid", detail: "a date YYYY-MM-DD from 1970 to 2100"))
        }
        return errors
    }

    /// Ids as ingestion accepts them in events: 1 to 128 Unicode scalars, no control characters.
    static func idProblem(_ id: String) -> String? {
        if id.isEmpty { return "missing" }
        if id.unicodeScalars.count > maxIDScalars { return "too_long" }
        if id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "invalid_character" }
        return nil
    }

    static func isReleaseDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1970...2100).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
            let days = calendar.range(of: .day, in: .month, for: first)
        else { return false }
        return days.contains(day)
    }
}

extension CatalogueGame: ResponseEncodable {}
