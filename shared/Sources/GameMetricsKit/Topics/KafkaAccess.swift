/// What one service does with Kafka: the topics it produces to and the topics it consumes, each
/// with its consumer group. A service computes it from its settings, builds its clients from it
/// (its producer refuses any other topic, as the cluster would), and its KafkaUser in
/// charts/kafka grants exactly this (IntegrationTests' KafkaUserACLTests compares the two).
public struct KafkaAccess: Sendable, Equatable, CustomStringConvertible {
    /// A topic read by a consumer group (offsets committed in the group).
    public struct Consumption: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var topic: String
        public var group: String

        public init(topic: String, group: String) {
            self.topic = topic
            self.group = group
        }

        public static func < (lhs: Consumption, rhs: Consumption) -> Bool {
            (lhs.topic, lhs.group) < (rhs.topic, rhs.group)
        }

        public var description: String { "\(topic) as \(group)" }
    }

    public var produces: Set<String>
    public var consumes: Set<Consumption>
    /// Another group's progress it reads (committed offsets and watermarks, for lag): Describe on
    /// the topic and the group, never Read, so it cannot consume as that group.
    public var describes: Set<Consumption>

    public init(produces: Set<String> = [], consumes: Set<Consumption> = [], describes: Set<Consumption> = []) {
        self.produces = produces
        self.consumes = consumes
        self.describes = describes
    }

    /// No Kafka at all (a service with a producer only for readiness, for now).
    public static let none = KafkaAccess()

    /// Both accesses together (a service and the shared components it runs).
    public func union(_ other: KafkaAccess) -> KafkaAccess {
        KafkaAccess(produces: produces.union(other.produces), consumes: consumes.union(other.consumes), describes: describes.union(other.describes))
    }

    public var description: String {
        "produces \(produces.sorted()), consumes \(consumes.sorted().map(\.description)), describes \(describes.sorted().map(\.description))"
    }
}
