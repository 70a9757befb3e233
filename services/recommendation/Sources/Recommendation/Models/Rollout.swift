import Foundation

/// Which models serve a tenant: the primary one, and optionally a candidate that takes
/// `candidatePercent` of the players (the same players every time: ``variant(for:)``).
struct Rollout: Sendable, Equatable {
    struct Model: Sendable, Equatable {
        var modelID: Int64
        var version: String
    }

    enum Variant: String, Sendable {
        case primary, candidate
    }

    var tenantID: String
    var primary: Model
    var candidate: Model?
    var candidatePercent: Int
    var updatedAt: Date
    var updatedBy: String

    /// The variant and model that serve `playerID`: a player's bucket (0–99) is a hash of the
    /// tenant and player, so a player stays in one arm while the split stays the same, and a
    /// larger share only adds players to the candidate's arm.
    func variant(for playerID: String) -> (Variant, Model) {
        guard let candidate, candidatePercent > 0, Self.bucket(tenantID: tenantID, playerID: playerID) < candidatePercent else {
            return (.primary, primary)
        }
        return (.candidate, candidate)
    }

    /// FNV-1a (64 bits) of `tenant NUL player`, modulo 100.
    static func bucket(tenantID: String, playerID: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in tenantID.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        hash = (hash ^ 0) &* 0x100_0000_01b3
        for byte in playerID.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(hash % 100)
    }
}
