/// The JSON header of a model artifact (see `ModelArtifact`).
struct ArtifactHeader: Codable, Equatable {
    var formatVersion: Int
    var factors: Int
    var games: Int
    var players: Int
    var parameters: ALSParameters
    var gameIds: [String]
    var playerIds: [String]?
    var createdAt: String?
}
