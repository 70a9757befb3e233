import Foundation

/// A trained model as `rec_models` records it: what it learned from, how, and how well it did
/// offline. Its game vectors live in `rec_game_vectors` and its artifact in S3.
struct ModelRecord: Sendable, Equatable {
    var modelID: Int64
    var tenantID: String
    var version: String
    var state: String
    var createdAt: Date
    var readyAt: Date?
    var windowFrom: Date
    var windowTo: Date
    var players: Int
    var games: Int
    var interactions: Int64
    /// JSON objects, as stored.
    var parameters: String
    var metrics: String
    /// The tenant's most played games when it was trained, most first: what a player the model
    /// knows nothing about is offered.
    var popular: [String]
    var artifactKey: String
    var artifactSHA256: String
}
