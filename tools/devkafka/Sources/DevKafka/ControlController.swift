import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// The HTTP control port: inspect the cluster, add topics, take brokers down and up, add latency.
struct ControlController {
    let cluster: MockCluster

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("v1")
        group.get("cluster") { _, _ in cluster.snapshot() }
        group.post("topics", use: createTopic)
        group.post("brokers/:id/down") { _, context in
            let id = try brokerID(context)
            try translating { () throws(MockClusterError) in try cluster.setDown(id) }
            return cluster.snapshot()
        }
        group.post("brokers/:id/up") { _, context in
            let id = try brokerID(context)
            try translating { () throws(MockClusterError) in try cluster.setUp(id) }
            return cluster.snapshot()
        }
        group.put("brokers/:id/rtt", use: setRoundTripTime)
    }

    struct TopicRequest: Decodable {
        let name: String
        let partitions: Int
    }

    struct RoundTripRequest: Decodable {
        let ms: Int
    }

    @Sendable func createTopic(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ClusterSnapshot> {
        let body = try await request.decode(as: TopicRequest.self, context: context)
        guard !body.name.isEmpty, body.name.count <= 249, (1...1000).contains(body.partitions) else {
            throw APIError.badRequest("A topic needs a name of 1 to 249 characters and 1 to 1000 partitions.", code: "invalid_topic")
        }
        try translating { () throws(MockClusterError) in try cluster.createTopic(body.name, partitions: body.partitions) }
        return EditedResponse(status: .created, response: cluster.snapshot())
    }

    @Sendable func setRoundTripTime(_ request: Request, context: AppRequestContext) async throws -> ClusterSnapshot {
        let body = try await request.decode(as: RoundTripRequest.self, context: context)
        guard (0...60_000).contains(body.ms) else {
            throw APIError.badRequest("Round-trip time must be 0 to 60000 ms.", code: "invalid_rtt")
        }
        let id = try brokerID(context)
        try translating { () throws(MockClusterError) in try cluster.setRoundTripTime(id, milliseconds: body.ms) }
        return cluster.snapshot()
    }

    private func brokerID(_ context: AppRequestContext) throws -> Int32 {
        guard let id = context.parameters.get("id", as: Int32.self) else {
            throw APIError.badRequest("The broker id must be an integer.", code: "invalid_broker")
        }
        return id
    }
}

extension ClusterSnapshot: ResponseEncodable {}

/// The mock's refusals as the API's JSON errors.
private func translating(_ body: () throws(MockClusterError) -> Void) throws(APIError) {
    do {
        try body()
    } catch .unknownBroker(let id) {
        throw APIError.notFound("No broker \(id).")
    } catch .topicExists(let name) {
        throw APIError(.conflict, code: "topic_exists", message: "Topic \(name) already exists.")
    } catch {
        throw APIError(.conflict, code: "refused", message: "\(error)")
    }
}
