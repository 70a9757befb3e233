import Foundation
import GameMetricsErasure
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Kafka
import Logging
import PostgresNIO
import Testing

/// charts/kafka's KafkaUsers against what each service's code produces and consumes (its
/// ``KafkaAccess``, computed from the settings the chart gives it, the same value its producer
/// and consumers are built from): an ACL granted but unused widens what a stolen password can
/// do; one used but not granted fails the service at its first record in a cluster (devkafka
/// has no ACLs, so only this test sees it locally).
@Suite("Each KafkaUser grants exactly what its service's code produces and consumes", .serialized)
struct KafkaUserACLTests {
    @Test("every service's KafkaUser has exactly the ACLs of its Kafka access, and the chart names the service's user")
    func aclsEqualTheServicesAccess() async throws {
        let charted = try await ChartedKafkaUsers.render()
        for service in PlatformService.all {
            let chartEnvironment = charted.environments[service.name] ?? [:]
            // The chart's settings (topics, groups) over reachable-nowhere dependencies; the
            // secrets and the TLS files exist only in a pod.
            let environment = PlatformContract.unreachableDependencies.merging(
                chartEnvironment.filter { !$0.key.hasPrefix("GM_KAFKA_") && !$0.key.hasSuffix("_FILE") })
            let access = try ServiceKafkaAccess.of(service, environment)
            let granted = charted.users[service.name]
            switch (access, granted) {
            case (nil, nil):
                #expect(chartEnvironment["GM_KAFKA_SASL_USERNAME"] == nil, "\(service.name) uses no Kafka but its chart names a Kafka user")
            case (nil, .some):
                Issue.record("charts/kafka has a KafkaUser \(service.name), whose service uses no Kafka")
            case (.some(let access), nil):
                Issue.record("\(service.name) uses Kafka (\(access)) but charts/kafka has no KafkaUser for it")
            case (.some(let access), .some(let granted)):
                let (unused, missing) = ServiceKafkaAccess.mismatches(of: access, granted: granted)
                #expect(unused.isEmpty, "KafkaUser \(service.name) grants \(unused), which its code never uses (\(access))")
                #expect(missing.isEmpty, "KafkaUser \(service.name) lacks \(missing), which its code uses (\(access))")
                #expect(chartEnvironment["GM_KAFKA_SASL_USERNAME"] == service.name, "\(service.name)'s chart authenticates as \(chartEnvironment["GM_KAFKA_SASL_USERNAME"] ?? "nobody")")
            }
        }
    }

    @Test("the services with a Kafka access are exactly those whose configuration reaches Kafka")
    func accessMatchesTheCallGraph() async throws {
        let graph = try await ServiceCallGraph.derive()
        for service in PlatformService.all {
            let callsKafka = graph.edges.contains(CallEdge(from: service.name, to: "kafka", port: "kafka"))
            let access = try ServiceKafkaAccess.of(service, PlatformContract.unreachableDependencies)
            #expect(callsKafka == (access != nil), "\(service.name): reads GM_KAFKA_BOOTSTRAP \(callsKafka), has a Kafka access \(access != nil)")
        }
    }

    @Test("a missing dead-letter topic or a surplus group is reported on the side it is missing from")
    func mismatchesAreNamed() {
        let access = KafkaAccess(
            produces: ["privacy.erasure", "privacy.erasure.dlq"],
            consumes: [KafkaAccess.Consumption(topic: "privacy.erasure", group: "user-erasure")])
        var granted = Array(ServiceKafkaAccess.acls(of: access))
        #expect(ServiceKafkaAccess.mismatches(of: access, granted: granted) == ([], []))
        granted.removeAll { $0.name == "privacy.erasure.dlq" && $0.operation == "Write" }
        granted.append(.init(type: "group", name: "processor", operation: "Read"))
        let (unused, missing) = ServiceKafkaAccess.mismatches(of: access, granted: granted)
        #expect(unused == [.init(type: "group", name: "processor", operation: "Read")])
        #expect(missing == [.init(type: "topic", name: "privacy.erasure.dlq", operation: "Write")])
    }

    @Test("a service whose Kafka access leaves out what its erasure participant writes does not build")
    func participantRefusesAnUndeclaredTopic() throws {
        let logger = Logger(label: "kafka-access-tests")
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"], clientID: "undeclared")
        // The processor's access without the participant's part: no completions' DLQ.
        configuration.permittedTopics = ["player.events.processed", "privacy.erasure"]
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let postgres = PostgresClient(
            configuration: try PostgresClient.Configuration(url: URL(string: "postgres://gm:unused@127.0.0.1:1/gamemetrics")!), backgroundLogger: logger)
        let error = #expect(throws: ConfigurationError.self) {
            try ErasureParticipant(
                name: .processor, environment: EnvironmentReader(["GM_KAFKA_BOOTSTRAP": "127.0.0.1:1"]), producer: producer, postgres: postgres,
                tombstoneTopics: ["player.events.processed"], logger: logger
            ) { _, _ in [:] }
        }
        #expect(error?.problem.contains("privacy.erasure.dlq") == true, "\(String(describing: error))")
    }
}
