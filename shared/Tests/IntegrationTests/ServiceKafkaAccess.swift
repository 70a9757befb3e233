import GameMetricsKit

@testable import AnalyticsAPI
@testable import Ingestion
@testable import NotificationService
@testable import Processor
@testable import Recommendation
@testable import Retention
@testable import UserService

/// Each service's ``KafkaAccess`` as its `buildApplication` computes it to build its producer
/// and consumers (from the same settings), or nil for a service without Kafka.
enum ServiceKafkaAccess {
    static func of(_ service: PlatformService, _ environment: EnvironmentReader) throws -> KafkaAccess? {
        switch service {
        case .ingestion: try IngestionSettings(environment: environment).kafkaAccess
        case .processor: try ProcessorSettings(environment: environment).kafkaAccess
        case .user: UserService.privacyKafkaAccess()
        case .analyticsAPI: try AnalyticsSettings(environment: environment).kafkaAccess
        case .notification: try NotificationSettings(environment: environment).kafkaAccess
        case .retention: try RetentionSettings(environment: environment).kafkaAccess
        case .recommendation: try RecommendationSettings(environment: environment).kafkaAccess
        default: nil
        }
    }

    /// The ACLs a broker checks for this access: Write and Describe on each topic produced to;
    /// Read and Describe on each topic consumed, Read on its group (offset commits and joins).
    static func acls(of access: KafkaAccess) -> Set<ChartedKafkaUsers.ACL> {
        var acls: Set<ChartedKafkaUsers.ACL> = []
        for topic in access.produces {
            acls.insert(.init(type: "topic", name: topic, operation: "Write"))
            acls.insert(.init(type: "topic", name: topic, operation: "Describe"))
        }
        for consumption in access.consumes {
            acls.insert(.init(type: "topic", name: consumption.topic, operation: "Read"))
            acls.insert(.init(type: "topic", name: consumption.topic, operation: "Describe"))
            acls.insert(.init(type: "group", name: consumption.group, operation: "Read"))
        }
        for described in access.describes {
            acls.insert(.init(type: "topic", name: described.topic, operation: "Describe"))
            acls.insert(.init(type: "group", name: described.group, operation: "Describe"))
        }
        return acls
    }

    /// What `granted` allows that `access` does not use, and what it uses that `granted` lacks.
    static func mismatches(of access: KafkaAccess, granted: [ChartedKafkaUsers.ACL]) -> (unused: [ChartedKafkaUsers.ACL], missing: [ChartedKafkaUsers.ACL]) {
        let needed = acls(of: access)
        let given = Set(granted)
        return (given.subtracting(needed).sorted(), needed.subtracting(given).sorted())
    }
}
