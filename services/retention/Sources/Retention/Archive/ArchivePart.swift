import Foundation

/// One archived object of a tenant's day, as the catalogue (`archive_objects`) and the
/// manifest list it.
struct ArchivePart: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        /// Archived when the day left PostgreSQL.
        case events
        /// Events that arrived for the day after it was archived.
        case late
    }

    var part: Int
    var key: String
    var kind: Kind
    var rows: Int
    var bytes: Int
    var sha256: String

    enum CodingKeys: String, CodingKey {
        case part, key, kind, rows, bytes, sha256
    }
}
