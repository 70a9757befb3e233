import Foundation
import GameMetricsKit

/// `manifest.json` of a tenant's archived day: every object with its row count, size and
/// SHA-256, as the catalogue holds them. Rewritten whenever the day's objects change (a part
/// archived, an erasure's rewrite), inside the transaction that changes the catalogue.
struct ArchiveManifest: Codable, Sendable, Equatable {
    static let format = "ndjson+gzip; one events_raw row per line (row_to_json, UTC)"

    var tenantID: String
    var dayText: String
    var format: String
    var objects: [ArchivePart]
    var rows: Int

    enum CodingKeys: String, CodingKey {
        case objects, rows, format
        case tenantID = "tenant_id"
        case dayText = "day"
    }

    init(tenantID: String, day: ArchiveDay, objects: [ArchivePart]) {
        self.tenantID = tenantID
        dayText = day.description
        format = Self.format
        self.objects = objects.sorted { $0.part < $1.part }
        rows = objects.reduce(0) { $0 + $1.rows }
    }

    var day: ArchiveDay { ArchiveDay(iso: dayText) ?? ArchiveDay(ordinal: 0) }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array(try encoder.encode(self))
    }

    static func decode(_ bytes: [UInt8]) throws -> ArchiveManifest {
        try JSONDecoder().decode(ArchiveManifest.self, from: Data(bytes))
    }
}
