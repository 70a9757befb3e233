import Foundation
import Testing

/// Addresses of the servers `tools/platform/test.sh` started for this run. A missing variable
/// fails the test with a message instead of skipping it, so a broken set-up cannot pass silently.
public enum TestServers {
    public static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            Issue.record("\(name) is not set: run the tests through `make test`, which starts the servers")
            throw MissingTestServer(variable: name)
        }
        return value
    }

    public static var kafkaBootstrap: [String] {
        get throws { try value("GM_TEST_KAFKA_BOOTSTRAP").split(separator: ",").map(String.init) }
    }

    public static var devKafkaURL: URL {
        get throws { URL(string: try value("GM_TEST_DEVKAFKA_URL"))! }
    }

    public struct MissingTestServer: Error {
        public let variable: String

        public init(variable: String) {
            self.variable = variable
        }
    }
}
