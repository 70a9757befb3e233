import CRdKafka
import Synchronization

/// librdkafka's in-memory mock cluster: real Kafka protocol on loopback, several brokers, no disk.
/// The mock elects no leaders by itself, so this type keeps the leader of every partition and
/// moves leadership off a broker before taking it down, as Kafka's controller would.
final class MockCluster: @unchecked Sendable {
    private struct State {
        var brokers: [Int32: BrokerStatus]
        var leaders: [String: [Int32]]
    }

    let bootstrapServers: String
    /// The client handle that hosts the cluster; the cluster lives as long as it does.
    private let host: OpaquePointer
    private let cluster: OpaquePointer
    private let state: Mutex<State>

    init(brokers: Int) throws(MockClusterError) {
        var errorText = [CChar](repeating: 0, count: 256)
        let configuration = rd_kafka_conf_new()
        rd_kafka_conf_set(configuration, "log_level", "3", &errorText, errorText.count)
        guard let host = rd_kafka_new(RD_KAFKA_PRODUCER, configuration, &errorText, errorText.count) else {
            throw .startFailed("cannot create the host client")
        }
        guard let cluster = rd_kafka_mock_cluster_new(host, Int32(brokers)) else {
            rd_kafka_destroy(host)
            throw .startFailed("rd_kafka_mock_cluster_new failed")
        }
        self.host = host
        self.cluster = cluster
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        let statuses = (1...Int32(brokers)).map { BrokerStatus(id: $0, up: true, rttMs: 0) }
        self.state = Mutex(State(brokers: Dictionary(uniqueKeysWithValues: statuses.map { ($0.id, $0) }), leaders: [:]))
    }

    /// Creates a topic with replication factor 3 and spreads partition leaders round-robin over up brokers.
    func createTopic(_ name: String, partitions: Int) throws(MockClusterError) {
        try state.withLock { (state) throws(MockClusterError) in
            guard state.leaders[name] == nil else { throw .topicExists(name) }
            let replicas = Int32(min(3, state.brokers.count))
            try check(rd_kafka_mock_topic_create(cluster, name, Int32(partitions), replicas))
            let up = state.brokers.values.filter(\.up).map(\.id).sorted()
            guard !up.isEmpty else { throw .noBrokerUp }
            var leaders: [Int32] = []
            for partition in 0..<partitions {
                let leader = up[partition % up.count]
                try check(rd_kafka_mock_partition_set_leader(cluster, name, Int32(partition), leader))
                leaders.append(leader)
            }
            state.leaders[name] = leaders
        }
    }

    /// Moves the broker's partition leadership to the other up brokers, then takes it down.
    func setDown(_ broker: Int32) throws(MockClusterError) {
        try state.withLock { (state) throws(MockClusterError) in
            guard state.brokers[broker] != nil else { throw .unknownBroker(broker) }
            let others = state.brokers.values.filter { $0.up && $0.id != broker }.map(\.id).sorted()
            guard !others.isEmpty else { throw .noBrokerUp }
            var moved = 0
            for (topic, leaders) in state.leaders {
                var updated = leaders
                for (partition, leader) in leaders.enumerated() where leader == broker {
                    let next = others[(partition + moved) % others.count]
                    try check(rd_kafka_mock_partition_set_leader(cluster, topic, Int32(partition), next))
                    updated[partition] = next
                    moved += 1
                }
                state.leaders[topic] = updated
            }
            try check(rd_kafka_mock_broker_set_down(cluster, broker))
            state.brokers[broker]?.up = false
        }
    }

    func setUp(_ broker: Int32) throws(MockClusterError) {
        try state.withLock { (state) throws(MockClusterError) in
            guard state.brokers[broker] != nil else { throw .unknownBroker(broker) }
            try check(rd_kafka_mock_broker_set_up(cluster, broker))
            state.brokers[broker]?.up = true
        }
    }

    func setRoundTripTime(_ broker: Int32, milliseconds: Int) throws(MockClusterError) {
        try state.withLock { (state) throws(MockClusterError) in
            guard state.brokers[broker] != nil else { throw .unknownBroker(broker) }
            try check(rd_kafka_mock_broker_set_rtt(cluster, broker, Int32(milliseconds)))
            state.brokers[broker]?.rttMs = milliseconds
        }
    }

    func snapshot() -> ClusterSnapshot {
        state.withLock { state in
            ClusterSnapshot(
                bootstrapServers: bootstrapServers,
                brokers: state.brokers.values.sorted { $0.id < $1.id }.map { broker in
                    var status = broker
                    status.leaderPartitions = state.leaders.values.reduce(0) { $0 + $1.filter { $0 == broker.id }.count }
                    return status
                },
                topics: state.leaders.keys.sorted().map { ClusterSnapshot.Topic(name: $0, partitions: state.leaders[$0]!.count, leaders: state.leaders[$0]!) }
            )
        }
    }

    private func check(_ error: rd_kafka_resp_err_t) throws(MockClusterError) {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rejected(String(cString: rd_kafka_err2str(error))) }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(host)
    }
}

struct BrokerStatus: Codable, Sendable {
    let id: Int32
    var up: Bool
    var rttMs: Int
    var leaderPartitions = 0

    enum CodingKeys: String, CodingKey {
        case id, up
        case rttMs = "rtt_ms"
        case leaderPartitions = "leader_partitions"
    }
}

struct ClusterSnapshot: Codable, Sendable {
    struct Topic: Codable, Sendable {
        let name: String
        let partitions: Int
        let leaders: [Int32]
    }

    let bootstrapServers: String
    let brokers: [BrokerStatus]
    let topics: [Topic]

    enum CodingKeys: String, CodingKey {
        case bootstrapServers = "bootstrap_servers"
        case brokers, topics
    }
}

enum MockClusterError: Error, CustomStringConvertible {
    case startFailed(String)
    case topicExists(String)
    case unknownBroker(Int32)
    case noBrokerUp
    case rejected(String)

    var description: String {
        switch self {
        case .startFailed(let reason): "mock cluster failed to start: \(reason)"
        case .topicExists(let name): "topic \(name) already exists"
        case .unknownBroker(let id): "no broker \(id)"
        case .noBrokerUp: "that would leave no broker up"
        case .rejected(let reason): "the mock cluster refused: \(reason)"
        }
    }
}
