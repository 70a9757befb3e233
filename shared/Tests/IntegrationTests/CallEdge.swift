/// One connection a pod opens: `from` connects to `to` on `to`'s port named `port` — `http` (a
/// service's public port), `internal` (its metrics and operator port), or for infrastructure the
/// target's own name (`postgres`, `kafka`, `redis`, `s3`, `prometheus`). The shape
/// `tools/charts/edges.py` prints.
struct CallEdge: Hashable, Comparable, Codable, CustomStringConvertible, Sendable {
    var from: String
    var to: String
    var port: String

    static func < (lhs: CallEdge, rhs: CallEdge) -> Bool {
        (lhs.from, lhs.to, lhs.port) < (rhs.from, rhs.to, rhs.port)
    }

    var description: String { "\(from) → \(to):\(port)" }
}
