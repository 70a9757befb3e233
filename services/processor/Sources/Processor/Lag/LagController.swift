import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `GET /v1/lag`: the consumer lag of every partition this instance owns, as JSON.
struct LagController: Sendable {
    let lag: ConsumerLag
    let groupID: String

    struct Body: ResponseEncodable {
        var group: String
        var totalLag: Int64
        var partitions: [ConsumerLag.PartitionLag]

        enum CodingKeys: String, CodingKey {
            case group, partitions
            case totalLag = "total_lag"
        }
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("v1/lag") { _, _ in
            let partitions = lag.snapshot()
            return Body(group: groupID, totalLag: partitions.reduce(0) { $0 + ($1.lag ?? 0) }, partitions: partitions)
        }
    }
}
