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

/// Runs `body`, failing if it takes longer than `limit` (a hung client must not hang CI).
public func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next()
        group.cancelAll()
        guard case .some(.some(let value)) = first else { throw TimedOut(limit: limit) }
        return value
    }
}

public struct TimedOut: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "did not finish within \(limit)" }
}
