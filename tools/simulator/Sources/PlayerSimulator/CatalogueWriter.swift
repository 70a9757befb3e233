import GameMetricsKit

/// `--print-catalogue` and `--print-taste`: what a run with the same seed, tenants and
/// catalogue flags plays, without playing it (the catalogues and clusters are built from the
/// seed alone, before any event).
enum CatalogueWriter {
    /// One `{"tenant_id","games":[…]}` line per tenant, in the simulator's tenant order.
    static func writeCatalogues(traffic: TrafficConfiguration, tenants: [SimulatedTenant], to write: ([UInt8]) -> Void) {
        for (index, taste) in TrafficGenerator.tastes(traffic).enumerated() {
            write(taste.catalogue.jsonLine(tenantID: tenants[index].label) + [UInt8(ascii: "\n")])
        }
    }

    /// One `{"tenant_id","player_id","cluster"}` line per player: the ground truth a
    /// recommender's clusters can be compared with.
    static func writeTastes(traffic: TrafficConfiguration, tenants: [SimulatedTenant], to write: ([UInt8]) -> Void) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 16)
        for (index, taste) in TrafficGenerator.tastes(traffic).enumerated() {
            var prefix: [UInt8] = Array(#"{"tenant_id":"#.utf8)
            JSONWriter.appendString(tenants[index].label, to: &prefix)
            prefix.append(contentsOf: #","player_id":"#.utf8)
            for number in 1...traffic.playersPerTenant {
                chunk.append(contentsOf: prefix)
                JSONWriter.appendString(TrafficGenerator.playerID(number), to: &chunk)
                chunk.append(contentsOf: (#","cluster":"# + String(taste.clusters(ofPlayer: number).main) + "}\n").utf8)
                if chunk.count >= 1 << 16 - 256 {
                    write(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
        }
        if !chunk.isEmpty { write(chunk) }
    }
}
